import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

const QUERIES = [
  'SELECT id, state FROM entries ORDER BY id',
  'SELECT COUNT(*) FROM entries',
  'SELECT id, state, decided_by FROM matches ORDER BY id',
  'SELECT COUNT(*) FROM match_lines',
  'SELECT id, state, resolved_by FROM escalations ORDER BY id',
  'SELECT COUNT(*) FROM approval_votes',
  'SELECT id, state FROM exceptions ORDER BY id',
  'SELECT entity, period, state FROM periods ORDER BY entity, period',
  'SELECT id, state FROM workflow_runs ORDER BY id',
  'SELECT COUNT(*) FROM dead_letters',
];

/**
 * A cheap digest of the recon state (every state column and row count, not
 * the audit log): equal digests before and after a call mean the call
 * changed no recon state. Used where a full snapshot per call is too slow.
 */
export function reconFingerprint(db: Database.Database): string {
  const h = createHash('sha256');
  for (const q of QUERIES) h.update(JSON.stringify(db.prepare(q).raw().all()));
  return h.digest('hex');
}
