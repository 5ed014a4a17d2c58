import { NotFoundError } from '../errors.js';
import type { ReconStore } from '../store/index.js';
import { exceptionPage, inboxPage, type EscalationSort, type ExceptionFilter } from './desk.js';
import { deskStatus } from './desk-status.js';

/**
 * The reviewer's lists as one call each (open escalations, open exceptions, status
 * per entity and period): shared by the desk MCP tools and the CLI reads, so both
 * page, filter, order and age rows the same way.
 */

const DAY_MS = 86_400_000;

/** Whole days since `createdAt` (never negative). */
export const ageDays = (createdAt: string, now: Date): number =>
  Math.max(0, Math.floor((now.getTime() - Date.parse(createdAt)) / DAY_MS));

export interface EscalationListFilter {
  entity?: string | undefined;
  account?: string | undefined;
  tier?: string | undefined;
  clause?: string | undefined;
  minAgeDays?: number | undefined;
  minAmountUsd?: string | undefined;
  maxAmountUsd?: string | undefined;
  /** Default age. */
  sort?: EscalationSort | undefined;
  /** Default desc: for age, oldest first. */
  order?: 'asc' | 'desc' | undefined;
  offset: number;
  limit: number;
}

/** Open escalations with their age in days, and the total for the filter. */
export function escalationList(db: ReconStore['db'], now: Date, f: EscalationListFilter) {
  const sort = f.sort ?? 'age';
  // "age desc" (oldest first) is createdAt ascending.
  const order = f.order ?? 'desc';
  const sqlOrder = sort === 'age' ? (order === 'desc' ? 'asc' : 'desc') : order;
  const result = inboxPage(db, {
    entity: f.entity,
    account: f.account,
    tier: f.tier,
    clause: f.clause,
    createdBefore:
      f.minAgeDays === undefined ? undefined : new Date(now.getTime() - f.minAgeDays * DAY_MS).toISOString(),
    minAmountUsd: f.minAmountUsd,
    maxAmountUsd: f.maxAmountUsd,
    sort,
    order: sqlOrder,
    offset: f.offset,
    limit: f.limit,
  });
  const rows = result.rows.map((r) => ({ ...r, ageDays: ageDays(r.createdAt, now) }));
  return { rows, total: result.total };
}

/** Open exceptions with their line and age in days, and the total for the filter. */
export function exceptionList(store: ReconStore, now: Date, f: ExceptionFilter) {
  const result = exceptionPage(store.db, f);
  const rows = result.rows.map((x) => {
    const entry = store.entries.get(x.entryId);
    if (entry === undefined) throw new NotFoundError('entry', x.entryId);
    return { ...x, entry, ageDays: ageDays(x.createdAt, now) };
  });
  return { rows, total: result.total };
}

/** Status rows per entity and period, with each period's state. */
export function statusByPeriod(store: ReconStore, now: Date, entity?: string, period?: string) {
  const states = new Map(store.periods.list().map((p) => [`${p.entity}|${p.period}`, p.state]));
  return deskStatus(store.db, now, store.entities.entities(), states, entity, period);
}
