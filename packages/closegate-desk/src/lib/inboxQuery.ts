/** The inbox's URL query <-> the /api/escalations query (validated shapes only). */
import type { EscalationListQuery } from '../api/types';
import { pickKnown } from './query';

export const INBOX_FILTER_KEYS = [
  'entity',
  'account',
  'tier',
  'clause',
  'minAgeDays',
  'minAmount',
  'maxAmount',
] as const;
const SORTS = ['age', 'amountUsd', 'entity', 'account', 'clause', 'id'] as const;
type Sort = (typeof SORTS)[number];

export const PAGE_SIZE = 25;

export function inboxQuery(urlQuery: Record<string, string>): EscalationListQuery {
  const f = pickKnown(urlQuery, INBOX_FILTER_KEYS);
  const sort = (SORTS as readonly string[]).includes(urlQuery.sort ?? '') ? (urlQuery.sort as Sort) : 'age';
  const order = urlQuery.order === 'asc' ? 'asc' : 'desc';
  const page = Math.max(1, Number.parseInt(urlQuery.page ?? '1', 10) || 1);
  const out: EscalationListQuery = { sort, order, page, pageSize: PAGE_SIZE };
  if (f.entity) out.entity = f.entity;
  if (f.account) out.account = f.account;
  if (f.tier === 'T2' || f.tier === 'T3') out.tier = f.tier;
  if (f.clause) out.clause = f.clause;
  if (f.minAgeDays && /^\d+$/.test(f.minAgeDays)) out.minAgeDays = Number(f.minAgeDays);
  if (f.minAmount) out.minAmount = f.minAmount;
  if (f.maxAmount) out.maxAmount = f.maxAmount;
  return out;
}
