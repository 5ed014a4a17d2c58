import Database from 'better-sqlite3';
import { QueryRefusedError } from '../errors.js';
import { createTableSql, REQUEST_COLUMNS } from './schema.js';

export interface QueryOptions {
  /** Rows returned at most (default 200, max 1000). */
  maxRows?: number;
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export const MAX_SQL_CHARS = 10_000;
const MAX_CELL_CHARS = 64 * 1024;

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
    const names = REQUEST_COLUMNS.map(([n]) => n);
    const insert = snap.prepare(
      `INSERT INTO requests (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    );
    const select = readDb.prepare(`SELECT ${names.join(', ')} FROM requests WHERE owner = ?`).raw(true);
    snap.transaction(() => {
      for (const row of select.iterate(owner)) insert.run(...(row as unknown[]));
    })();
    snap.pragma('query_only = ON');
    return snap;
  } catch (err) {
    snap.close();
    throw err;
  }
}

function clip(value: unknown): unknown {
  if (typeof value === 'string' && value.length > MAX_CELL_CHARS)
    return `${value.slice(0, MAX_CELL_CHARS)}…[clipped]`;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return `[blob ${value.length} bytes]`;
  return value;
}

/**
 * Runs one caller-supplied statement over the caller's own rows. Refused
 * before running unless SQLite reports it as a read-only statement that
 * returns rows: INSERT/UPDATE/DELETE/DROP/ATTACH/DETACH/VACUUM and write
 * pragmas all fail that test. `query_only` backs it up inside SQLite.
 */
export function queryOwnRows(
  readDb: Database.Database,
  sql: string,
  owner: string,
  opts: QueryOptions = {},
): QueryResult {
  if (sql.length > MAX_SQL_CHARS) throw new QueryRefusedError(`SQL longer than ${MAX_SQL_CHARS} characters`);
  if (sql.includes('\0')) throw new QueryRefusedError('SQL contains a NUL byte');
  const maxRows = Math.min(Math.max(opts.maxRows ?? 200, 1), 1000);
  const snap = openOwnerSnapshot(readDb, owner);
  try {
    let stmt: Database.Statement;
    try {
      stmt = snap.prepare(sql);
    } catch (err) {
      throw new QueryRefusedError(`SQL rejected: ${(err as Error).message}`);
    }
    if (!stmt.readonly || !stmt.reader) {
      throw new QueryRefusedError(
        'only read-only statements that return rows (SELECT, WITH ... SELECT) are allowed',
      );
    }
    const columns = stmt.columns().map((c) => c.name);
    const rows: Record<string, unknown>[] = [];
    let truncated = false;
    try {
      for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
        if (rows.length >= maxRows) {
          truncated = true;
          break;
        }
        rows.push(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, clip(v)])));
      }
    } catch (err) {
      throw new QueryRefusedError(`SQL failed: ${(err as Error).message}`);
    }
    return { columns, rows, truncated };
  } finally {
    snap.close();
  }
}
