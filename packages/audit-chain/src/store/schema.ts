import type Database from 'better-sqlite3';
import { APPEND_ONLY_MARKER, AuditChainError } from '../errors.js';

export const DEFAULT_TABLE = 'audit_events';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Table names are interpolated into SQL, so only plain identifiers pass. */
export function validateTableName(table: string): string {
  if (typeof table !== 'string' || !IDENTIFIER.test(table) || table.toLowerCase().startsWith('sqlite_')) {
    throw new AuditChainError(
      'AUDIT_INVALID_TABLE',
      `invalid audit table name ${JSON.stringify(table)}: use letters, digits and _ (max 63, not starting with a digit or sqlite_)`,
    );
  }
  return table;
}

export interface SchemaOptions {
  /**
   * The indexes on actor, type and ts that serve `query()` filters (default
   * true). Without them `query()` still works, by a scan, and each append
   * writes two B-tree pages (the row and its event_id) instead of five. With
   * `false`, {@link ensureSchema} drops them from an existing table.
   */
  queryIndexes?: boolean;
}

/** The optional query indexes, by name. */
export function queryIndexNames(table: string): string[] {
  return [`${table}_actor_idx`, `${table}_type_idx`, `${table}_ts_idx`];
}

/**
 * DDL of one audit table. `seq` is an explicit INTEGER PRIMARY KEY assigned
 * by append (previous seq + 1), never AUTOINCREMENT, so a gap always means a
 * deleted row. The triggers make the table insert-only for every connection
 * that has not dropped them; the hash chain detects what a connection that did
 * drop them changed. The BEFORE INSERT trigger exists because SQLite's
 * `INSERT OR REPLACE` deletes the conflicting row WITHOUT firing DELETE
 * triggers (unless `recursive_triggers` is on).
 */
export function schemaSql(table: string, opts: SchemaOptions = {}): string {
  const indexes =
    opts.queryIndexes === false
      ? ''
      : `
CREATE INDEX IF NOT EXISTS ${table}_actor_idx ON ${table}(actor);
CREATE INDEX IF NOT EXISTS ${table}_type_idx ON ${table}(type);
CREATE INDEX IF NOT EXISTS ${table}_ts_idx ON ${table}(ts);`;
  const refuse = (verb: string): string =>
    `RAISE(ABORT, '${table} ${APPEND_ONLY_MARKER}: ${verb} of audit rows is refused; record a new event instead')`;
  return `
CREATE TABLE IF NOT EXISTS ${table} (
  seq       INTEGER PRIMARY KEY,
  event_id  TEXT NOT NULL UNIQUE,
  ts        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  type      TEXT NOT NULL,
  payload   TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);${indexes}
CREATE TRIGGER IF NOT EXISTS ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT ${refuse('UPDATE')}; END;
CREATE TRIGGER IF NOT EXISTS ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT ${refuse('DELETE')}; END;
CREATE TRIGGER IF NOT EXISTS ${table}_no_replace BEFORE INSERT ON ${table}
WHEN EXISTS (SELECT 1 FROM ${table} WHERE seq = NEW.seq)
  OR EXISTS (SELECT 1 FROM ${table} WHERE event_id = NEW.event_id)
BEGIN SELECT ${refuse('REPLACE (INSERT over an existing seq or event_id)')}; END;
`;
}

/**
 * Creates the table, indexes and triggers when absent. On a read-only
 * connection nothing can be created: the table must already exist.
 * Re-running on an existing table restores triggers an attacker dropped.
 */
export function ensureSchema(db: Database.Database, table: string, opts: SchemaOptions = {}): void {
  const exists =
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
  if (exists) checkColumns(db, table);
  if (!isReadOnly(db)) {
    db.exec(schemaSql(table, opts));
    if (opts.queryIndexes === false) {
      for (const name of queryIndexNames(table)) db.exec(`DROP INDEX IF EXISTS ${name}`);
    }
  } else if (!exists) {
    throw new AuditChainError(
      'AUDIT_MISSING_TABLE',
      `audit table ${table} does not exist in this read-only database`,
    );
  }
}

const COLUMNS = ['seq', 'event_id', 'ts', 'actor', 'type', 'payload', 'prev_hash', 'hash'];

/** A same-named table from something else must not be mistaken for an audit chain. */
function checkColumns(db: Database.Database, table: string): void {
  const present = new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
  const missing = COLUMNS.filter((c) => !present.has(c));
  if (missing.length > 0) {
    throw new AuditChainError(
      'AUDIT_INVALID_TABLE',
      `table ${table} exists but is not an audit chain (missing columns: ${missing.join(', ')}); pick another table name`,
    );
  }
}

/** Opened read-only, or `query_only` set: no statement may write. */
export function isReadOnly(db: Database.Database): boolean {
  return db.readonly || db.pragma('query_only', { simple: true }) === 1;
}
