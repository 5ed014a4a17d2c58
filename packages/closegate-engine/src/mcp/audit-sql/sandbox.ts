import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUDIT_TABLE } from '../../store/index.js';
import { openSqlite } from 'audit-chain';
import type Database from 'better-sqlite3';
import { McpSurfaceError } from '../errors.js';
import { AuditSqlWorker } from './worker.js';
import { AUDIT_VIEWS, MIRROR_SCHEMA, MIRROR_TABLE } from './views.js';

export const DEFAULT_MAX_ROWS = 200;
export const MAX_ROWS = 1000;
export const MAX_RESULT_BYTES = 256 * 1024;
const SYNC_BATCH = 5000;
/** A statement running longer is killed with its worker process. */
export const DEFAULT_TIMEOUT_MS = 2000;

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
 * Read-only SQL over the audit views, enforced by SQLite itself:
 * - the statement runs in a separate worker process, on a connection opened
 *   READ-ONLY (plus query_only) to a private MIRROR database that contains only
 *   audit rows and the audit views, so no other recon table is reachable,
 *   whatever the SQL says; a statement over the time limit is killed with its
 *   process (a runaway CTE cannot stall the server);
 * - the mirror is fed by a separate read-only connection to recon.db that never
 *   runs caller SQL;
 * - SQLite must report the prepared statement as read-only AND returning rows
 *   (`stmt.readonly && stmt.reader`), which refuses ATTACH, PRAGMA assignments,
 *   VACUUM INTO and every write; only one statement is accepted;
 * - results are capped in rows and in bytes; after each statement the worker
 *   checks that nothing is attached (defence in depth).
 * Nothing here inspects the SQL text.
 */
export class AuditSqlSandbox {
  readonly #dir: string;
  readonly #source: Database.Database;
  readonly #writer: Database.Database;
  readonly #worker: AuditSqlWorker;
  readonly #newRows: Database.Statement;
  readonly #insert: Database.Statement;
  #lastSeq = 0;

  private constructor(dbPath: string, timeoutMs: number) {
    this.#dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-audit-sql-'));
    fs.chmodSync(this.#dir, 0o700);
    const mirrorPath = path.join(this.#dir, 'audit-mirror.db');
    this.#source = openSqlite(dbPath, { readonly: true });
    this.#writer = openSqlite(mirrorPath);
    this.#writer.exec(MIRROR_SCHEMA);
    this.#worker = new AuditSqlWorker(mirrorPath, timeoutMs);
    this.#newRows = this.#source.prepare(
      `SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${AUDIT_TABLE} WHERE seq > ? ORDER BY seq LIMIT ${SYNC_BATCH}`,
    );
    this.#insert = this.#writer.prepare(
      `INSERT INTO ${MIRROR_TABLE} (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (@seq, @event_id, @ts, @actor, @type, @payload, @prev_hash, @hash)`,
    );
  }

  /** Opens the sandbox for a recon database (which must exist). */
  static open(dbPath: string, opts: { timeoutMs?: number } = {}): AuditSqlSandbox {
    return new AuditSqlSandbox(dbPath, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  }

  static readonly views: readonly string[] = AUDIT_VIEWS;

  /** Copies audit rows appended since the last sync into the mirror. */
  sync(): number {
    for (;;) {
      const rows = this.#newRows.all(this.#lastSeq) as Row[];
      if (rows.length === 0) return this.#lastSeq;
      this.#writer.transaction(() => {
        for (const r of rows) this.#insert.run(r);
      })();
      this.#lastSeq = rows[rows.length - 1]!.seq;
    }
  }

  /** Runs one read-only statement against the audit mirror, in the worker process. */
  async query(sql: string, maxRows = DEFAULT_MAX_ROWS, maxBytes = MAX_RESULT_BYTES): Promise<AuditSqlResult> {
    const through = this.sync();
    const answer = await this.#worker.ask(sql, Math.min(Math.max(1, maxRows), MAX_ROWS), maxBytes);
    if (answer.error || !answer.result) {
      throw new McpSurfaceError(
        answer.error?.code ?? 'AUDIT_SQL_FAILED',
        answer.error?.message ?? 'the audit SQL worker gave no answer',
      );
    }
    return { ...answer.result, mirroredThroughSeq: through };
  }

  close(): void {
    this.#worker.kill();
    for (const db of [this.#writer, this.#source]) if (db.open) db.close();
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
