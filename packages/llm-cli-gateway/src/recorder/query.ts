import Database from 'better-sqlite3';
import type { QuerySandbox } from 'query-sandbox';
import { QuerySandboxError } from 'query-sandbox';
import { GatewayError, QueryRefusedError } from '../errors.js';
import { createTableSql, REQUEST_COLUMNS } from './schema.js';

export interface QueryOptions {
  /** Rows returned at most (default 200, max 1000). */
  maxRows?: number;
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
  /** Why the result was cut: the row cap or the byte cap (256 KiB). */
  truncatedBy?: 'rows' | 'bytes';
}

export const MAX_SQL_CHARS = 10_000;
const MAX_CELL_CHARS = 64 * 1024;
/** `<tmp>/llm-gw-query-<pid>-XXXXXX`: the per-query owner snapshots (0700 dir, 0600 files). */
export const QUERY_DIR_PREFIX = 'llm-gw-query';

/** Copies `owner`'s rows from the read-only connection into `target` (which has the requests table). */
function copyOwnerRows(readDb: Database.Database, target: Database.Database, owner: string): void {
  const names = REQUEST_COLUMNS.map(([n]) => n);
  const insert = target.prepare(
    `INSERT INTO requests (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
  );
  const select = readDb.prepare(`SELECT ${names.join(', ')} FROM requests WHERE owner = ?`).raw(true);
  target.transaction(() => {
    for (const row of select.iterate(owner)) insert.run(...(row as unknown[]));
  })();
}

/**
 * Builds a private in-memory database holding only `owner`'s rows, copied from
 * the read-only connection, then switches it to `query_only`.
 *
 * Why a snapshot rather than a view or a WHERE clause: caller SQL can name any
 * table it can reach (`main.requests`, the chain table, `sqlite_master`) and
 * better-sqlite3 has no authorizer hook to deny them. On this connection the
 * logs.db file is simply not attached, so another owner's rows do not exist.
 */
export function openOwnerSnapshot(readDb: Database.Database, owner: string): Database.Database {
  const snap = new Database(':memory:');
  try {
    snap.exec(createTableSql());
    copyOwnerRows(readDb, snap, owner);
    snap.pragma('query_only = ON');
    return snap;
  } catch (err) {
    snap.close();
    throw err;
  }
}

export function clip(value: unknown): unknown {
  if (typeof value === 'string' && value.length > MAX_CELL_CHARS)
    return `${value.slice(0, MAX_CELL_CHARS)}…[clipped]`;
  return value;
}

/** The kernel's refusals keep the gateway's stable codes: QUERY_REFUSED, QUERY_TIMEOUT, QUERY_SATURATED. */
function gatewayError(err: QuerySandboxError): GatewayError {
  if (err.kind === 'TIMEOUT') return new GatewayError('QUERY_TIMEOUT', err.message);
  if (err.kind === 'SATURATED') return new GatewayError('QUERY_SATURATED', err.message);
  return new QueryRefusedError(err.message);
}

/** Checks both stores make before the SQL goes anywhere. */
export function refuseSqlText(sql: string): void {
  if (sql.length > MAX_SQL_CHARS) throw new QueryRefusedError(`SQL longer than ${MAX_SQL_CHARS} characters`);
  if (sql.includes('\0')) throw new QueryRefusedError('SQL contains a NUL byte');
}

/** Rows returned at most: default 200, between 1 and 1000. */
export function effectiveMaxRows(opts: QueryOptions): number {
  return Math.min(Math.max(opts.maxRows ?? 200, 1), 1000);
}

/**
 * Runs one caller-supplied statement over the caller's own rows, never in this
 * process: the rows are copied into a snapshot file (0600, in the sandbox's
 * 0700 temp dir) holding nothing else, and the statement runs in a
 * query-sandbox worker process on a read-only connection to it, with a hard
 * time budget (the process is killed), a row and byte cap, and a per-principal
 * fair queue. SQLite must report it read-only and returning rows.
 */
export async function queryOwnRows(
  sandbox: QuerySandbox,
  readDb: Database.Database,
  sql: string,
  owner: string,
  opts: QueryOptions = {},
): Promise<QueryResult> {
  refuseSqlText(sql);
  const maxRows = effectiveMaxRows(opts);
  const mirror = sandbox.createMirror('owner-snapshot', createTableSql());
  try {
    copyOwnerRows(readDb, mirror.db, owner);
    mirror.db.close();
    const r = await sandbox.query(owner, mirror.path, sql, { maxRows });
    const rows = r.rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, clip(v)])));
    const out: QueryResult = { columns: r.columns, rows, truncated: r.truncated };
    if (r.truncatedBy !== undefined) out.truncatedBy = r.truncatedBy;
    return out;
  } catch (err) {
    if (err instanceof QuerySandboxError) throw gatewayError(err);
    throw err;
  } finally {
    mirror.drop();
  }
}
