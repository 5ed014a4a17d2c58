import type Database from 'better-sqlite3';
import type { ReplayedState, StateDifference } from './model.js';

type Report = (d: StateDifference) => void;

/** Compares every recon state table with the replayed state; calls `report` per difference. */
export function compareTables(db: Database.Database, s: ReplayedState, report: Report) {
  return {
    matches: compareMatches(db, s, report),
    entries: compareEntries(db, s, report),
    escalations: compareEscalations(db, s, report),
    votes: compareVotes(db, s, report),
    periods: comparePeriods(db, s, report),
    exceptions: compareExceptions(db, s, report),
  };
}

function diff(
  report: Report,
  table: string,
  id: string,
  column: string,
  expected: unknown,
  actual: unknown,
  seq?: number,
): void {
  if (expected !== actual)
    report({ table, id, column, expected, actual, ...(seq !== undefined ? { seq } : {}) });
}

function compareMatches(db: Database.Database, s: ReplayedState, report: Report): number {
  const rows = db.prepare('SELECT id, state, decided_by FROM matches ORDER BY id').raw(true).all() as [
    number,
    string,
    string | null,
  ][];
  const lines = new Map<number, number[]>();
  for (const [m, e] of db
    .prepare('SELECT match_id, entry_id FROM match_lines ORDER BY match_id, entry_id')
    .raw(true)
    .iterate() as Iterable<[number, number]>) {
    const l = lines.get(m);
    if (l === undefined) lines.set(m, [e]);
    else l.push(e);
  }
  const seen = new Set<number>();
  for (const [id, state, decidedBy] of rows) {
    seen.add(id);
    const m = s.matches.get(id);
    if (m === undefined) {
      report({ table: 'matches', id: String(id), column: '(row)', expected: null, actual: state });
      continue;
    }
    diff(report, 'matches', String(id), 'state', m.state, state, m.seq);
    diff(report, 'matches', String(id), 'decided_by', m.decidedBy, decidedBy, m.seq);
    const want = [...m.entryIds].sort((a, b) => a - b).join(',');
    diff(report, 'match_lines', String(id), 'entry_ids', want, (lines.get(id) ?? []).join(','), m.seq);
  }
  for (const [id, m] of s.matches)
    if (!seen.has(id))
      report({
        table: 'matches',
        id: String(id),
        column: '(row)',
        expected: m.state,
        actual: null,
        seq: m.seq,
      });
  return rows.length;
}

function compareEntries(db: Database.Database, s: ReplayedState, report: Report): number {
  let n = 0;
  const seen = new Set<number>();
  for (const [id, state] of db
    .prepare('SELECT id, state FROM entries ORDER BY id')
    .raw(true)
    .iterate() as Iterable<[number, string]>) {
    n++;
    seen.add(id);
    const e = s.entries.get(id);
    diff(report, 'entries', String(id), 'state', e?.state ?? 'unmatched', state, e?.seq);
  }
  for (const [id, e] of s.entries)
    if (!seen.has(id))
      report({
        table: 'entries',
        id: String(id),
        column: '(row)',
        expected: e.state,
        actual: null,
        seq: e.seq,
      });
  // rows added or removed outside an import: entries per batch against the import events' counts
  const byBatch = new Map(
    db.prepare('SELECT batch, count(*) FROM entries GROUP BY batch').raw(true).all() as [string, number][],
  );
  for (const [batch, count] of s.importedByBatch)
    diff(report, 'entries', batch, 'count(batch)', count, byBatch.get(batch) ?? 0);
  for (const [batch, count] of byBatch)
    if (!s.importedByBatch.has(batch)) diff(report, 'entries', batch, 'count(batch)', 0, count);
  return n;
}

function compareEscalations(db: Database.Database, s: ReplayedState, report: Report): number {
  const rows = db
    .prepare(
      'SELECT id, state, action, subject_kind, subject_id, requested_by, resolved_by FROM escalations ORDER BY id',
    )
    .raw(true)
    .all() as [number, string, string, string, string, string, string | null][];
  const seen = new Set<number>();
  for (const [id, state, action, kind, subject, requestedBy, resolvedBy] of rows) {
    seen.add(id);
    const x = s.escalations.get(id);
    if (x === undefined) {
      report({ table: 'escalations', id: String(id), column: '(row)', expected: null, actual: state });
      continue;
    }
    const key = String(id);
    diff(report, 'escalations', key, 'state', x.state, state, x.seq);
    diff(report, 'escalations', key, 'action', x.action, action, x.seq);
    diff(
      report,
      'escalations',
      key,
      'subject',
      `${x.subjectKind}:${x.subjectId}`,
      `${kind}:${subject}`,
      x.seq,
    );
    diff(report, 'escalations', key, 'requested_by', x.requestedBy, requestedBy, x.seq);
    diff(report, 'escalations', key, 'resolved_by', x.resolvedBy, resolvedBy, x.seq);
  }
  for (const [id, x] of s.escalations)
    if (!seen.has(id))
      report({
        table: 'escalations',
        id: String(id),
        column: '(row)',
        expected: x.state,
        actual: null,
        seq: x.seq,
      });
  return rows.length;
}

function compareVotes(db: Database.Database, s: ReplayedState, report: Report): number {
  const rows = db.prepare('SELECT escalation_id, actor, vote FROM approval_votes').raw(true).all() as [
    number,
    string,
    string,
  ][];
  const stored = new Map(rows.map(([e, a, v]) => [`${e}/${a}`, v]));
  for (const [key, vote] of stored) {
    const [e, ...rest] = key.split('/');
    const want = s.escalations.get(Number(e))?.votes.get(rest.join('/')) ?? null;
    diff(report, 'approval_votes', key, 'vote', want, vote);
  }
  for (const [id, x] of s.escalations)
    for (const [actor, vote] of x.votes)
      if (!stored.has(`${id}/${actor}`))
        report({
          table: 'approval_votes',
          id: `${id}/${actor}`,
          column: 'vote',
          expected: vote,
          actual: null,
        });
  return rows.length;
}

function comparePeriods(db: Database.Database, s: ReplayedState, report: Report): number {
  const rows = db.prepare('SELECT entity, period, state, closed_by FROM periods').raw(true).all() as [
    string,
    string,
    string,
    string | null,
  ][];
  const seen = new Set<string>();
  for (const [entity, period, state, closedBy] of rows) {
    const key = `${entity}|${period}`;
    seen.add(key);
    const p = s.periods.get(key);
    diff(report, 'periods', key, 'state', p?.state ?? 'open', state, p?.seq);
    diff(report, 'periods', key, 'closed_by', p?.closedBy ?? null, closedBy, p?.seq);
  }
  for (const [key, p] of s.periods)
    if (!seen.has(key) && p.state !== 'open')
      report({ table: 'periods', id: key, column: '(row)', expected: p.state, actual: null, seq: p.seq });
  return rows.length;
}

function compareExceptions(db: Database.Database, s: ReplayedState, report: Report): number {
  const rows = db.prepare('SELECT id, entry_id, state FROM exceptions').raw(true).all() as [
    number,
    number,
    string,
  ][];
  const seen = new Set<number>();
  for (const [id, entryId, state] of rows) {
    seen.add(id);
    const x = s.exceptions.get(id);
    if (x === undefined) {
      report({ table: 'exceptions', id: String(id), column: '(row)', expected: null, actual: state });
      continue;
    }
    diff(report, 'exceptions', String(id), 'entry_id', x.entryId, entryId, x.seq);
    diff(report, 'exceptions', String(id), 'state', x.state, state, x.seq);
  }
  for (const [id, x] of s.exceptions)
    if (!seen.has(id))
      report({
        table: 'exceptions',
        id: String(id),
        column: '(row)',
        expected: x.state,
        actual: null,
        seq: x.seq,
      });
  return rows.length;
}
