import type Database from 'better-sqlite3';
import { csv } from './csv.js';

/** The bundle's scope: every row touching that entity and/or posting month (null: all). */
export interface BundleFilter {
  period: string | null;
  entity: string | null;
}

const IN_SCOPE = `((@entity IS NULL OR e.entity = @entity) AND (@period IS NULL OR substr(e.posting_date, 1, 7) = @period))`;

export function matchesCsv(db: Database.Database, f: BundleFilter): string {
  const rows = db
    .prepare(
      `SELECT m.id, m.state, m.type, m.source, m.proposed_by, m.decided_by, m.decision_rationale, m.amount_usd, m.score,
              group_concat(DISTINCT e.entity), group_concat(l.entry_id, ' '), m.rationale, m.created_at, m.updated_at
       FROM matches m JOIN match_lines l ON l.match_id = m.id JOIN entries e ON e.id = l.entry_id
       GROUP BY m.id HAVING sum(CASE WHEN ${IN_SCOPE} THEN 1 ELSE 0 END) > 0 ORDER BY m.id`,
    )
    .raw(true)
    .all(f) as unknown[][];
  return csv(
    [
      'match_id',
      'state',
      'type',
      'source',
      'proposed_by',
      'decided_by',
      'decision_rationale',
      'amount_usd',
      'score',
      'entities',
      'entry_ids',
      'proposal_rationale',
      'created_at',
      'updated_at',
    ],
    rows,
  );
}

/** One row per escalation, then one row per vote (every vote, its actor and rationale). */
export function escalationsCsv(db: Database.Database, f: BundleFilter): string {
  const rows = db
    .prepare(
      `SELECT x.id, x.action, x.subject_kind, x.subject_id, x.state, x.requested_by, x.request_rationale, x.code, x.tier,
              x.clause_pointer, x.policy_version, x.resolved_by, x.resolution_rationale, x.created_at, x.resolved_at
       FROM escalations x
       WHERE (x.subject_kind = 'period'
              AND (@entity IS NULL OR x.subject_id LIKE @entity || '|%')
              AND (@period IS NULL OR x.subject_id LIKE '%|' || @period))
          OR (x.subject_kind = 'match' AND EXISTS (
              SELECT 1 FROM match_lines l JOIN entries e ON e.id = l.entry_id
              WHERE l.match_id = CAST(x.subject_id AS INTEGER) AND ${IN_SCOPE}))
       ORDER BY x.id`,
    )
    .raw(true)
    .all(f) as unknown[][];
  const votes = db
    .prepare(
      'SELECT actor, vote, rationale, created_at FROM approval_votes WHERE escalation_id = ? ORDER BY rowid',
    )
    .raw(true);
  const out: unknown[][] = [];
  for (const r of rows) {
    out.push(['escalation', ...r, '', '', '', '']);
    for (const v of votes.all(r[0]) as unknown[][])
      out.push(['vote', r[0], ...Array(r.length - 1).fill(''), ...v]);
  }
  return csv(
    [
      'row',
      'escalation_id',
      'action',
      'subject_kind',
      'subject_id',
      'state',
      'requested_by',
      'request_rationale',
      'code',
      'tier',
      'clause_pointer',
      'policy_version',
      'resolved_by',
      'resolution_rationale',
      'created_at',
      'resolved_at',
      'vote_actor',
      'vote',
      'vote_rationale',
      'voted_at',
    ],
    out,
  );
}

export function exceptionsCsv(db: Database.Database, f: BundleFilter): string {
  const rows = db
    .prepare(
      `SELECT x.id, x.entry_id, e.entity, e.account_code, e.posting_date, e.amount, e.currency, x.reason_code, x.detail, x.raised_by, x.run_id, x.state, x.created_at
       FROM exceptions x JOIN entries e ON e.id = x.entry_id WHERE ${IN_SCOPE} ORDER BY x.id`,
    )
    .raw(true)
    .all(f) as unknown[][];
  return csv(
    [
      'exception_id',
      'entry_id',
      'entity',
      'account_code',
      'posting_date',
      'amount',
      'currency',
      'reason_code',
      'detail',
      'raised_by',
      'run_id',
      'state',
      'created_at',
    ],
    rows,
  );
}
