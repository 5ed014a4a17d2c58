import type Database from 'better-sqlite3';

/** Every table whose rows are recon state or evidence. */
export const STATE_TABLES = [
  'entries',
  'matches',
  'match_lines',
  'escalations',
  'approval_votes',
  'exceptions',
  'periods',
  'workflow_runs',
  'idempotency_keys',
  'dead_letters',
  'audit_events',
] as const;
export type StateTable = (typeof STATE_TABLES)[number];

export type StateSnapshot = Record<StateTable, string[]>;

/** All rows of every state table, each row as canonical-enough JSON (rowid order). */
export function snapshotState(db: Database.Database): StateSnapshot {
  const out = {} as StateSnapshot;
  for (const t of STATE_TABLES) {
    out[t] = (db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all() as object[]).map((r) =>
      JSON.stringify(r),
    );
  }
  return out;
}

/** Names of the tables whose rows differ between two snapshots. */
export function changedTables(before: StateSnapshot, after: StateSnapshot): StateTable[] {
  return STATE_TABLES.filter((t) => {
    const a = before[t];
    const b = after[t];
    return a.length !== b.length || a.some((row, i) => row !== b[i]);
  });
}

/** Rows present in `after` and not in `before`, parsed back (appended rows and edited rows). */
export function newRows(
  before: StateSnapshot,
  after: StateSnapshot,
  table: StateTable,
): Record<string, unknown>[] {
  const seen = new Set(before[table]);
  return after[table].filter((r) => !seen.has(r)).map((r) => JSON.parse(r) as Record<string, unknown>);
}

/** The state tables a forbidden change would show in (everything but evidence tables). */
export const RECON_TABLES: readonly StateTable[] = STATE_TABLES.filter(
  (t) => t !== 'audit_events' && t !== 'idempotency_keys',
);
