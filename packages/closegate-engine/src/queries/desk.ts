import type Database from 'better-sqlite3';
import { auditRefTerm } from '../store/auditIndexes.js';
import { AUDIT_TABLE } from '../store/index.js';

/**
 * Read-only SQL behind the desk tools (inbox, exceptions, audit search, status).
 * Filters and sort keys are whitelisted fragments; every value is a bound parameter.
 */

/** WHERE clauses with their bound parameters; a clause is added only for a given value. */
class Conditions {
  readonly clauses: string[] = [];
  constructor(readonly params: Record<string, unknown>) {}
  add(clause: string, name: string, value: unknown): void {
    if (value === undefined) return;
    this.clauses.push(clause);
    this.params[name] = value;
  }
  where(): string {
    return this.clauses.length === 0 ? '' : `WHERE ${this.clauses.join(' AND ')}`;
  }
}

export const ESCALATION_SORTS = {
  age: 'createdAt',
  amount_usd: 'CAST(amountUsd AS REAL)',
  entity: 'entity',
  account: 'account',
  clause: 'clauseCode',
  id: 'id',
} as const;
export type EscalationSort = keyof typeof ESCALATION_SORTS;

export interface InboxFilter {
  entity?: string | undefined;
  account?: string | undefined;
  tier?: string | undefined;
  clause?: string | undefined;
  /** Escalations created at or before this ISO time (min age). */
  createdBefore?: string | undefined;
  minAmountUsd?: string | undefined;
  maxAmountUsd?: string | undefined;
  sort: EscalationSort;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export interface InboxRow {
  id: number;
  subjectKind: 'match' | 'period';
  subjectId: string;
  tier: string;
  clauseCode: string;
  requestedBy: string;
  createdAt: string;
  amountUsd: string | null;
  proposer: string;
  entity: string | null;
  account: string | null;
  counterparty: string | null;
  localAmount: string | null;
  localCurrency: string | null;
}

// One row per open escalation: a match escalation carries its match's USD size and
// its first line (lowest id) for entity, account, counterparty and local amount.
const INBOX_BASE = `SELECT e.id, e.subject_kind AS subjectKind, e.subject_id AS subjectId, e.tier,
  e.code AS clauseCode, e.requested_by AS requestedBy, e.created_at AS createdAt,
  m.amount_usd AS amountUsd, COALESCE(m.proposed_by, e.requested_by) AS proposer,
  COALESCE(f.entity, CASE WHEN e.subject_kind = 'period' THEN substr(e.subject_id, 1, instr(e.subject_id, '|') - 1) END) AS entity,
  f.account_code AS account, f.counterparty, f.amount AS localAmount, f.currency AS localCurrency
FROM escalations e
LEFT JOIN matches m ON e.subject_kind = 'match' AND m.id = CAST(e.subject_id AS INTEGER)
LEFT JOIN entries f ON f.id = (SELECT MIN(ml.entry_id) FROM match_lines ml WHERE ml.match_id = m.id)
WHERE e.state = 'open'`;

export function inboxPage(db: Database.Database, f: InboxFilter): { rows: InboxRow[]; total: number } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: f.limit, offset: f.offset };
  const eq = (col: string, name: string, v: string | undefined) => {
    if (v === undefined) return;
    where.push(`${col} = @${name}`);
    params[name] = v;
  };
  eq('entity', 'entity', f.entity);
  eq('account', 'account', f.account);
  eq('tier', 'tier', f.tier);
  eq('clauseCode', 'clause', f.clause);
  if (f.createdBefore !== undefined) {
    where.push('createdAt <= @createdBefore');
    params.createdBefore = f.createdBefore;
  }
  // REAL only orders and bounds rows inside SQLite; amounts leave as the stored decimal text.
  if (f.minAmountUsd !== undefined) {
    where.push('CAST(amountUsd AS REAL) >= CAST(@minAmount AS REAL)');
    params.minAmount = f.minAmountUsd;
  }
  if (f.maxAmountUsd !== undefined) {
    where.push('CAST(amountUsd AS REAL) <= CAST(@maxAmount AS REAL)');
    params.maxAmount = f.maxAmountUsd;
  }
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const order = `${ESCALATION_SORTS[f.sort]} ${f.order === 'asc' ? 'ASC' : 'DESC'}, id ${f.order === 'asc' ? 'ASC' : 'DESC'}`;
  const rows = db
    .prepare(
      `SELECT *, COUNT(*) OVER () AS total FROM (${INBOX_BASE}) ${filter} ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    )
    .all(params) as (InboxRow & { total: number })[];
  const total =
    rows[0]?.total ??
    (f.offset === 0
      ? 0
      : (db.prepare(`SELECT COUNT(*) AS n FROM (${INBOX_BASE}) ${filter}`).get(params) as { n: number }).n);
  return { rows: rows.map(({ total: _t, ...r }) => r), total };
}

export interface ExceptionFilter {
  entity?: string | undefined;
  account?: string | undefined;
  reason?: string | undefined;
  offset: number;
  limit: number;
}

export function exceptionPage(db: Database.Database, f: ExceptionFilter) {
  const c = new Conditions({ limit: f.limit, offset: f.offset });
  c.clauses.push("x.state = 'open'");
  c.add('en.entity = @entity', 'entity', f.entity);
  c.add('en.account_code = @account', 'account', f.account);
  c.add('x.reason_code = @reason', 'reason', f.reason);
  const params = c.params;
  const from = `FROM exceptions x JOIN entries en ON en.id = x.entry_id ${c.where()}`;
  const rows = db
    .prepare(
      `SELECT x.id, x.entry_id AS entryId, x.reason_code AS reasonCode, x.detail, x.raised_by AS raisedBy,
        x.created_at AS createdAt ${from} ORDER BY x.id LIMIT @limit OFFSET @offset`,
    )
    .all(params) as {
    id: number;
    entryId: number;
    reasonCode: string;
    detail: string;
    raisedBy: string;
    createdAt: string;
  }[];
  const total = (db.prepare(`SELECT COUNT(*) AS n ${from}`).get(params) as { n: number }).n;
  return { rows, total };
}

export interface AuditFilter {
  actor?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  matchId?: number | undefined;
  escalationId?: number | undefined;
  offset: number;
  limit: number;
}

export interface AuditRow {
  seq: number;
  eventId: string;
  ts: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The page query of {@link auditPage} for a WHERE clause (exported for query-plan tests). */
export function auditPageSql(filter: string): string {
  return `SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${AUDIT_TABLE} ${filter}
       ORDER BY seq DESC LIMIT @limit OFFSET @offset`;
}

/**
 * Audit events by actor, type, time, match id and escalation id, newest first,
 * with the filter's total. A match or escalation id is an index lookup.
 */
export function auditPage(
  db: Database.Database,
  f: AuditFilter,
  withTotal = true,
): { rows: AuditRow[]; total: number } {
  const c = new Conditions({ limit: f.limit, offset: f.offset });
  c.add('actor = @actor', 'actor', f.actor);
  c.add('type = @type', 'type', f.type);
  c.add('ts >= @since', 'since', f.since === undefined ? undefined : new Date(f.since).toISOString());
  c.add('ts < @until', 'until', f.until === undefined ? undefined : new Date(f.until).toISOString());
  // indexed (migration 9): the terms repeat the partial expression indexes' own
  c.add(auditRefTerm('matchId', 'matchId'), 'matchId', f.matchId);
  c.add(auditRefTerm('escalationId', 'escalationId'), 'escalationId', f.escalationId);
  const params = c.params;
  const filter = c.where();
  const raw = db.prepare(auditPageSql(filter)).all(params) as {
    seq: number;
    event_id: string;
    ts: string;
    actor: string;
    type: string;
    payload: string;
    prev_hash: string;
    hash: string;
  }[];
  // the detail views need no total
  const total = withTotal
    ? (db.prepare(`SELECT COUNT(*) AS n FROM ${AUDIT_TABLE} ${filter}`).get(params) as { n: number }).n
    : raw.length;
  const rows = raw.map((r) => ({
    seq: r.seq,
    eventId: r.event_id,
    ts: r.ts,
    actor: r.actor,
    type: r.type,
    payload: JSON.parse(r.payload) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
  return { rows, total };
}

/** One row per entry, with whether it sits in a match awaiting a human (for recon status). */
export function statusLines(db: Database.Database) {
  return db
    .prepare(
      `SELECT en.entity, substr(en.posting_date, 1, 7) AS period, en.posting_date AS postingDate, en.state,
        en.amount, en.currency,
        EXISTS (SELECT 1 FROM match_lines ml JOIN matches m ON m.id = ml.match_id
                WHERE ml.entry_id = en.id AND m.state = 'pending_approval') AS escalated
       FROM entries en`,
    )
    .iterate() as IterableIterator<{
    entity: string;
    period: string;
    postingDate: string;
    state: 'unmatched' | 'proposed' | 'matched' | 'exception';
    amount: string;
    currency: string;
    escalated: 0 | 1;
  }>;
}
