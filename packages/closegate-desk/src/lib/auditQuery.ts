/** The audit browser's URL query -> the /api/audit query. */
import type { AuditQuery } from '../api/types';
import { pickKnown } from './query';

export const AUDIT_FILTER_KEYS = ['actor', 'type', 'from', 'to', 'matchId'] as const;

export function auditQuery(urlQuery: Record<string, string>, pageSize = 50): AuditQuery {
  const f = pickKnown(urlQuery, AUDIT_FILTER_KEYS);
  const out: AuditQuery = { page: Math.max(1, Number.parseInt(urlQuery.page ?? '1', 10) || 1), pageSize };
  if (f.actor) out.actor = f.actor;
  if (f.type) out.type = f.type.toUpperCase();
  if (f.from) out.from = f.from;
  if (f.to) out.to = f.to;
  if (f.matchId && /^\d+$/.test(f.matchId)) out.matchId = Number(f.matchId);
  return out;
}
