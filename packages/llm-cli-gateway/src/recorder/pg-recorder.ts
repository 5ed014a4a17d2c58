import type { ChainHead } from 'audit-chain';
import { withTransaction, type PgPool } from '../store/pg/pool.js';
import { BINDINGS_TABLE, COMPLETIONS_TABLE, STARTS_TABLE } from '../store/pg/recorder-schema.js';
import type { Recorder } from './api.js';
import { rowDigest } from './digest.js';
import { appendPgChain, pgChainHead, verifyPgChain } from './pg-chain.js';
import { DEFAULT_PG_QUERY_TIMEOUT_MS, pgQueryOwnRows } from './pg-query.js';
import type { QueryOptions, QueryResult } from './query.js';
import type { CompletionRecord, StartRecord } from './recorder.js';
import { redactSecrets } from './redact.js';
import { completionRow, startRow } from './rows.js';
import { COMPLETION_COLUMNS, START_COLUMNS, type RequestRow } from './schema.js';
import { checkRowsAgainstChain, type RecorderVerifyReport } from './verify.js';

export interface PgRecorderOptions {
  /** Shown where the SQLite store shows its file: the URL with its password redacted. */
  readonly displayUrl: string;
  /** Connection URL of the query role (see store/pg/roles.ts). */
  readonly queryUrl: string;
  readonly knownSecrets?: readonly string[];
  readonly queryTimeoutMs?: number;
  /** Resolves once the schema is migrated; every operation waits for it. */
  readonly ready?: Promise<void>;
}

/**
 * PostgreSQL text cannot hold NUL (SQLite can): each becomes the two characters `\0`
 * before the row is stored and digested, so what the chain commits to is what is stored.
 */
function withoutNul<T extends Record<string, string | number | null>>(row: T): T {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' ? v.replaceAll('\0', '\\0') : v;
  return out as T;
}

const cols = (names: readonly string[]) => names.join(', ');
const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

/**
 * The flight recorder on PostgreSQL: a request is one row in `recorder_starts`
 * when it starts and one in `recorder_completions` when it completes (both
 * insert-only, refused UPDATE/DELETE/TRUNCATE by triggers and by the runtime
 * role's grants), read through the `requests` view. Every row is appended to
 * the database's hash chain in the same transaction, under a lock every
 * instance takes, so `logs verify` detects an edited, deleted or forged row.
 */
export class PgFlightRecorder implements Recorder {
  readonly path: string;
  readonly remote = true;
  private readonly ready: Promise<void>;
  private readonly knownSecrets: readonly string[];

  constructor(
    private readonly pool: PgPool,
    private readonly opts: PgRecorderOptions,
  ) {
    this.path = opts.displayUrl;
    this.ready = opts.ready ?? Promise.resolve();
    this.knownSecrets = opts.knownSecrets ?? [];
  }

  private redact(text: string | undefined): string | null {
    return text === undefined ? null : redactSecrets(text, this.knownSecrets);
  }

  async start(rec: StartRecord): Promise<void> {
    await this.ready;
    const row = withoutNul(startRow(rec, (t) => this.redact(t)));
    await withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO ${STARTS_TABLE} (${cols(START_COLUMNS)}) VALUES (${params(START_COLUMNS.length)})`,
        START_COLUMNS.map((c) => row[c]),
      );
      await appendPgChain(client, {
        type: 'request.started',
        actor: rec.owner,
        payload: { correlationId: rec.correlationId, digest: rowDigest(row, START_COLUMNS) },
      });
    });
  }

  /** Once per request: a second completion, or one without a start row, writes nothing (as on SQLite). */
  async complete(correlationId: string, owner: string, rec: CompletionRecord): Promise<void> {
    await this.ready;
    const row = withoutNul(completionRow(correlationId, rec, (t) => this.redact(t)));
    const n = COMPLETION_COLUMNS.length;
    await withTransaction(this.pool, async (client) => {
      const inserted = await client.query(
        `INSERT INTO ${COMPLETIONS_TABLE} (correlation_id, owner, ${cols(COMPLETION_COLUMNS)})
         SELECT $1, $2, ${params(n, 3)}
         WHERE EXISTS (SELECT 1 FROM ${STARTS_TABLE} WHERE correlation_id = $1 AND owner = $2)
         ON CONFLICT (correlation_id) DO NOTHING`,
        [correlationId, owner, ...COMPLETION_COLUMNS.map((c) => row[c])],
      );
      if (inserted.rowCount !== 1) return;
      await appendPgChain(client, {
        type: 'request.completed',
        actor: owner,
        payload: { correlationId, digest: rowDigest(row, COMPLETION_COLUMNS) },
      });
    });
  }

  async get(correlationId: string, owner: string): Promise<RequestRow | undefined> {
    await this.ready;
    const { rows } = await this.pool.query<RequestRow>(
      'SELECT * FROM requests WHERE correlation_id = $1 AND owner = $2',
      [correlationId, owner],
    );
    return rows[0];
  }

  async ownsProviderSession(owner: string, cli: string, providerSessionId: string): Promise<boolean> {
    await this.ready;
    const { rows } = await this.pool.query(
      `SELECT 1 FROM ${COMPLETIONS_TABLE} c JOIN ${STARTS_TABLE} s USING (correlation_id)
       WHERE c.owner = $1 AND s.cli = $2 AND c.provider_session_id = $3 LIMIT 1`,
      [owner, cli, providerSessionId],
    );
    return rows.length > 0;
  }

  async query(sql: string, owner: string, opts: QueryOptions = {}): Promise<QueryResult> {
    await this.ready;
    const result = await pgQueryOwnRows(
      {
        pool: this.pool,
        queryUrl: this.opts.queryUrl,
        timeoutMs: this.opts.queryTimeoutMs ?? DEFAULT_PG_QUERY_TIMEOUT_MS,
      },
      sql,
      owner,
      opts,
    );
    // Defence in depth, as on SQLite: rows never leave unredacted from here.
    return {
      ...result,
      rows: result.rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, v]) => [
            k,
            typeof v === 'string' ? redactSecrets(v, this.knownSecrets) : v,
          ]),
        ),
      ),
    };
  }

  async verify(expectHead?: ChainHead): Promise<RecorderVerifyReport> {
    await this.ready;
    return verifyPgRecorder(this.pool, expectHead);
  }

  async head(): Promise<ChainHead | null> {
    await this.ready;
    return pgChainHead(this.pool);
  }

  /** Bindings left by a crashed instance whose backends are gone (their pids may be reused). */
  async dropStaleBindings(): Promise<void> {
    await this.pool.query(
      `DELETE FROM ${BINDINGS_TABLE} b WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = b.pid)`,
    );
  }

  close(): void {
    // The pool belongs to whoever opened the stores (store/open.ts), which ends it.
  }
}

/** The chain, then every request row against the digests it committed to (same checks as SQLite). */
export async function verifyPgRecorder(pool: PgPool, expectHead?: ChainHead): Promise<RecorderVerifyReport> {
  const chain = await verifyPgChain(pool, expectHead);
  const count = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM requests');
  const requests = count.rows[0]!.n;
  if (!chain.ok) return { ok: false, requests, chainEvents: chain.count, problem: chain.problem };
  const { rows } = await pool.query<RequestRow>('SELECT * FROM requests ORDER BY started_at, correlation_id');
  return checkRowsAgainstChain(chain.events, rows, requests, chain.count);
}
