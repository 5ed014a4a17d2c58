import type pg from 'pg';
import { pgDriver } from '../store/pg/driver.js';
import { MAX_RESULT_BYTES } from 'query-sandbox';
import { GatewayError, QueryRefusedError } from '../errors.js';
import type { PgPool } from '../store/pg/pool.js';
import { BINDINGS_TABLE } from '../store/pg/recorder-schema.js';
import { clip, effectiveMaxRows, refuseSqlText, type QueryOptions, type QueryResult } from './query.js';

/** Default statement timeout of caller SQL (the SQLite sandbox's default budget too). */
export const DEFAULT_PG_QUERY_TIMEOUT_MS = 5_000;
/** Caller queries running at once in this process; past it, QUERY_SATURATED (retry later). */
export const MAX_PG_QUERIES_IN_FLIGHT = 8;

const HINT = ' (one table: requests)';
const TEXT_OIDS = new Set([17, 1082, 1083, 1114, 1184, 1186, 1266]);

/**
 * Values as the SQLite path returns them: 64-bit integers as numbers when
 * exact (count(*) is int8 in PostgreSQL), dates, times and bytea as their text,
 * numeric as its decimal string (never a float).
 */
const queryTypes = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20)
      return (v: string) => {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : v;
      };
    if (TEXT_OIDS.has(oid)) return (v: string) => v;
    return pgDriver().types.getTypeParser(oid, format as 'text');
  },
};

/**
 * The caller's statement as the single statement PostgreSQL runs: a subquery
 * with the row cap as LIMIT (one more row than returned, to tell truncation).
 * The newlines end a trailing `--` comment; an unclosed comment, string or
 * parenthesis in caller SQL is a syntax error, never a way past the LIMIT.
 */
function wrap(sql: string, limit: number): string {
  const body = sql.replace(/[\s;]+$/, '');
  return `SELECT * FROM (\n${body}\n) AS flight_recorder_query LIMIT ${limit}`;
}

function refusal(err: unknown): GatewayError {
  const e = err as { code?: string; message?: string };
  if (e.code === '57014')
    return new GatewayError('QUERY_TIMEOUT', 'the query exceeded its time budget and was cancelled');
  if (e.code === '42601')
    return new QueryRefusedError(
      `PostgreSQL refused the statement: ${e.message ?? ''}; only a single read-only query that returns rows is allowed${HINT}`,
    );
  if (typeof e.code === 'string' && e.code.length === 5 && !e.code.startsWith('08'))
    return new QueryRefusedError(`PostgreSQL refused the statement: ${e.message ?? ''}${HINT}`);
  if (e.message === 'Query read timeout')
    return new GatewayError('QUERY_TIMEOUT', 'the query exceeded its time budget and was abandoned');
  return new GatewayError('RECORDER_FAILED', `the query connection failed: ${e.message ?? String(err)}`);
}

export interface PgQueryTarget {
  /** The gateway's own pool (runtime role): writes the owner binding. */
  readonly pool: PgPool;
  /** Connection URL of the query role: caller SQL never runs as anyone else. */
  readonly queryUrl: string;
  readonly timeoutMs: number;
}

let inFlight = 0;

/**
 * Runs one caller statement over the caller's own rows on PostgreSQL:
 *
 * - on a fresh connection AS the query role (not SET ROLE, which caller SQL
 *   could RESET), which may only SELECT the request rows;
 * - row-level security shows that role the rows of the owner bound to its
 *   backend pid in a table the gateway writes and the query role cannot read
 *   or write, so no setting, function or nested query of the caller moves it;
 * - in a READ ONLY transaction with a statement_timeout, through the extended
 *   protocol (one statement, no `;`-chained second one), rolled back after;
 * - with the SQLite path's row cap, byte cap, cell clipping and error codes.
 */
export async function pgQueryOwnRows(
  target: PgQueryTarget,
  sql: string,
  owner: string,
  opts: QueryOptions = {},
): Promise<QueryResult> {
  refuseSqlText(sql);
  const maxRows = effectiveMaxRows(opts);
  if (inFlight >= MAX_PG_QUERIES_IN_FLIGHT)
    throw new GatewayError('QUERY_SATURATED', 'too many flight-recorder queries are running; retry shortly');
  inFlight += 1;
  const client = new (pgDriver().Client)({
    connectionString: target.queryUrl,
    types: queryTypes,
    application_name: 'llm-cli-gateway-query',
    connectionTimeoutMillis: 10_000,
    // Belt and braces: the server's statement_timeout cancels first.
    query_timeout: target.timeoutMs + 5_000,
  });
  client.on('error', () => undefined);
  let pid: number | undefined;
  try {
    try {
      await client.connect();
    } catch (err) {
      throw new GatewayError(
        'RECORDER_FAILED',
        `the query role could not connect: ${(err as Error).message}`,
      );
    }
    pid = (client as unknown as { processID: number }).processID;
    await target.pool
      .query(
        `INSERT INTO ${BINDINGS_TABLE} (pid, owner) VALUES ($1, $2)
         ON CONFLICT (pid) DO UPDATE SET owner = EXCLUDED.owner, bound_at = now()`,
        [pid, owner],
      )
      .catch((err: Error) => {
        throw new GatewayError(
          'RECORDER_FAILED',
          `the query could not be bound to its owner: ${err.message}`,
        );
      });
    await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.round(target.timeoutMs))}`);
    let result: pg.QueryArrayResult;
    try {
      // queryMode 'extended': Parse/Bind/Execute even without parameters, so only one statement can run.
      const config = { text: wrap(sql, maxRows + 1), rowMode: 'array', queryMode: 'extended' };
      result = await client.query(config as pg.QueryArrayConfig);
    } catch (err) {
      throw refusal(err);
    }
    const columns = result.fields.map((f) => f.name);
    const rows: Record<string, unknown>[] = [];
    let bytes = 2;
    let truncatedBy: 'rows' | 'bytes' | undefined;
    for (const raw of result.rows) {
      if (rows.length >= maxRows) {
        truncatedBy = 'rows';
        break;
      }
      const row = Object.fromEntries(columns.map((c, i) => [c, clip(raw[i])]));
      bytes += JSON.stringify(row).length + 1;
      if (bytes > MAX_RESULT_BYTES) {
        truncatedBy = 'bytes';
        break;
      }
      rows.push(row);
    }
    const out: QueryResult = { columns, rows, truncated: truncatedBy !== undefined };
    if (truncatedBy !== undefined) out.truncatedBy = truncatedBy;
    return out;
  } finally {
    inFlight -= 1;
    // Unbind while the backend still holds the pid (after it exits, another may get it).
    if (pid !== undefined)
      await target.pool
        .query(`DELETE FROM ${BINDINGS_TABLE} WHERE pid = $1 AND owner = $2`, [pid, owner])
        .catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
