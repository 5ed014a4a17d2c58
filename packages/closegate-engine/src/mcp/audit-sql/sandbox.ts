import { openSqlite } from 'audit-chain';
import type Database from 'better-sqlite3';
import {
  DEFAULT_MAX_ROWS as KERNEL_DEFAULT_MAX_ROWS,
  MAX_RESULT_BYTES as KERNEL_MAX_RESULT_BYTES,
  MAX_ROWS as KERNEL_MAX_ROWS,
  QuerySandbox,
  QuerySandboxError,
  type Mirror,
} from 'query-sandbox';
import { AUDIT_TABLE } from '../../store/index.js';
import { McpSurfaceError } from '../errors.js';
import { AUDIT_VIEWS, MIRROR_SCHEMA, MIRROR_TABLE } from './views.js';

export const DEFAULT_MAX_ROWS = KERNEL_DEFAULT_MAX_ROWS;
export const MAX_ROWS = KERNEL_MAX_ROWS;
export const MAX_RESULT_BYTES = KERNEL_MAX_RESULT_BYTES;
const SYNC_BATCH = 5000;
/** A statement running longer is killed with its worker process. */
export const DEFAULT_TIMEOUT_MS = 2000;
/** `<tmp>/closegate-audit-sql-<pid>-XXXXXX`: removed on close, exit or signal, and by the next start after a kill. */
export const MIRROR_DIR_PREFIX = 'closegate-audit-sql';

export interface AuditSqlResult {
  columns: string[];
  rows: Record<string, unknown>[];
  rowCount: number;
  truncated: boolean;
  /** Why the result was cut: the row cap or the byte cap. */
  truncatedBy?: 'rows' | 'bytes';
  /** Highest audit seq the mirror held when the query ran. */
  mirroredThroughSeq: number;
}

type Row = {
  seq: number;
  event_id: string;
  ts: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
};

/**
 * Read-only SQL over the audit views, run by the `query-sandbox` kernel:
 * - the statement runs in a separate worker process, on a connection opened
 *   READ-ONLY (plus query_only) to a private MIRROR database that contains only
 *   audit rows and the audit views, so no other recon table is reachable,
 *   whatever the SQL says; a statement over the time limit is killed with its
 *   process (a runaway CTE cannot stall the server), and statements are queued
 *   per principal and dispatched round-robin;
 * - the mirror (0600, in a 0700 temp dir that does not outlive the process) is
 *   fed by a separate read-only connection to recon.db that never runs caller SQL;
 * - SQLite must report the prepared statement as read-only AND returning rows
 *   (`stmt.readonly && stmt.reader`), which refuses ATTACH, PRAGMA assignments,
 *   VACUUM INTO and every write; only one statement is accepted;
 * - results are capped in rows and in bytes; after each statement the worker
 *   checks that nothing is attached (defence in depth).
 * Nothing here inspects the SQL text.
 */
export class AuditSqlSandbox {
  readonly #sandbox: QuerySandbox;
  readonly #mirror: Mirror;
  readonly #source: Database.Database;
  readonly #newRows: Database.Statement;
  readonly #insert: Database.Statement;
  #lastSeq = 0;

  private constructor(dbPath: string, timeoutMs: number) {
    this.#sandbox = new QuerySandbox({
      prefix: MIRROR_DIR_PREFIX,
      codePrefix: 'AUDIT_SQL',
      hint: ` (available views: ${AUDIT_VIEWS.join(', ')})`,
      timeoutMs,
    });
    try {
      // WAL: the mirror keeps being synced while other principals' statements read it.
      this.#mirror = this.#sandbox.createMirror('audit-mirror', MIRROR_SCHEMA, { wal: true });
      this.#source = openSqlite(dbPath, { readonly: true });
    } catch (err) {
      this.#sandbox.close();
      throw err;
    }
    this.#newRows = this.#source.prepare(
      `SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${AUDIT_TABLE} WHERE seq > ? ORDER BY seq LIMIT ${SYNC_BATCH}`,
    );
    this.#insert = this.#mirror.db.prepare(
      `INSERT INTO ${MIRROR_TABLE} (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (@seq, @event_id, @ts, @actor, @type, @payload, @prev_hash, @hash)`,
    );
  }

  /** Opens the sandbox for a recon database (which must exist). */
  static open(dbPath: string, opts: { timeoutMs?: number } = {}): AuditSqlSandbox {
    return new AuditSqlSandbox(dbPath, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  static readonly views: readonly string[] = AUDIT_VIEWS;

  /** The private directory holding the mirror (for hygiene tests). */
  get dir(): string {
    return this.#sandbox.dir;
  }

  /** Copies audit rows appended since the last sync into the mirror. */
  sync(): number {
    for (;;) {
      const rows = this.#newRows.all(this.#lastSeq) as Row[];
      if (rows.length === 0) return this.#lastSeq;
      this.#mirror.db.transaction(() => {
        for (const r of rows) this.#insert.run(r);
      })();
      this.#lastSeq = rows[rows.length - 1]!.seq;
    }
  }

  /** Runs one read-only statement against the audit mirror, in a worker process, queued for `principal`. */
  async query(
    sql: string,
    maxRows = DEFAULT_MAX_ROWS,
    maxBytes = MAX_RESULT_BYTES,
    principal = 'anonymous',
  ): Promise<AuditSqlResult> {
    const through = this.sync();
    try {
      const result = await this.#sandbox.query(principal, this.#mirror.path, sql, { maxRows, maxBytes });
      return { ...result, mirroredThroughSeq: through };
    } catch (err) {
      if (err instanceof QuerySandboxError) throw new McpSurfaceError(err.code, err.message);
      throw err;
    }
  }

  close(): void {
    this.#mirror.drop();
    if (this.#source.open) this.#source.close();
    this.#sandbox.close();
  }
}
