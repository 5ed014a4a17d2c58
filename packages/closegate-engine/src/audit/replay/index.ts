import type Database from 'better-sqlite3';
import { AUDIT_TABLE } from '../../store/index.js';
import { applyEvent, STATE_EVENTS } from './apply.js';
import { compareTables } from './compare.js';
import {
  emptyState,
  MAX_LISTED,
  type ReplayedState,
  type StateDifference,
  type StateReplayReport,
} from './model.js';

export type { StateDifference, StateReplayReport } from './model.js';

/** Rebuilds the recon state from the audit events alone (seq order, one read snapshot). */
export function replayEvents(db: Database.Database): ReplayedState {
  const s = emptyState();
  const placeholders = STATE_EVENTS.map(() => '?').join(', ');
  // NOT INDEXED: a scan in seq (rowid) order; through the type index SQLite would sort every event again
  const stmt = db
    .prepare(
      `SELECT seq, type, actor, payload FROM ${AUDIT_TABLE} NOT INDEXED WHERE type IN (${placeholders}) ORDER BY seq`,
    )
    .raw(true);
  for (const [seq, type, actor, payload] of stmt.iterate(...STATE_EVENTS) as Iterable<
    [number, string, string, string]
  >) {
    s.events++;
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      s.unreadable.push({ seq, type, why: 'payload is not JSON' });
      continue;
    }
    applyEvent(s, seq, type, actor, p);
  }
  return s;
}

/**
 * `audit verify --state`: the state of every match (and its lines), entry,
 * escalation (and its votes), period and exception rebuilt from the events,
 * compared with the tables. A row changed outside the operations (a raw
 * UPDATE, a period closed by SQL) shows up with its id and both values.
 * Run it after the chain verified: the events are only as good as the chain.
 */
export function verifyState(db: Database.Database): StateReplayReport {
  const run = (): StateReplayReport => {
    const s = replayEvents(db);
    const differences: StateDifference[] = [];
    let differenceCount = 0;
    const checked = compareTables(db, s, (d) => {
      differenceCount++;
      if (differences.length < MAX_LISTED) differences.push(d);
    });
    return {
      ok: differenceCount === 0 && s.unreadable.length === 0,
      events: s.events,
      checked,
      differenceCount,
      differences,
      unreadable: s.unreadable.slice(0, MAX_LISTED),
    };
  };
  if (db.inTransaction) return run();
  db.exec('BEGIN');
  try {
    return run();
  } finally {
    db.exec('COMMIT');
  }
}
