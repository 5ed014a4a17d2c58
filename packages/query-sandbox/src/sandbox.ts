import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QuerySandboxError } from './errors.js';
import { FairScheduler } from './fair-scheduler.js';
import { openPrivateDir, type PrivateDir } from './private-dir.js';
import { SqlWorker, type QueryRows } from './worker.js';

export const DEFAULT_TIMEOUT_MS = 2000;
export const DEFAULT_MAX_ROWS = 200;
export const MAX_ROWS = 1000;
export const MAX_RESULT_BYTES = 256 * 1024;
export const MAX_SQL_CHARS = 10_000;

export interface QuerySandboxOptions {
  /** Name of the private temp dir: `<tmp>/<prefix>-<pid>-XXXXXX`. */
  readonly prefix: string;
  /** Error code prefix: `QUERY` gives `QUERY_TIMEOUT`, `QUERY_INVALID`, ... */
  readonly codePrefix?: string;
  /** Appended to the message of a statement SQLite refuses (e.g. the available views). */
  readonly hint?: string;
  /** Hard time budget per statement; the worker process is killed past it. */
  readonly timeoutMs?: number;
  /** Worker processes (statements running at once, across principals); default 2. */
  readonly workers?: number;
  /** Statements one principal may have waiting; default 4. */
  readonly maxQueuedPerPrincipal?: number;
  /** Heap of each worker process, MiB; default 128. */
  readonly maxHeapMb?: number;
  /** Where the private dir is created; default the OS temp folder. */
  readonly baseDir?: string;
}

export interface QueryBudget {
  /** Rows returned at most (1..1000, default 200). */
  readonly maxRows?: number;
  /** Bytes of JSON rows returned at most (default 256 KiB). */
  readonly maxBytes?: number;
}

/** A mirror database file in the sandbox's private directory (0600). */
export interface Mirror {
  readonly path: string;
  /** The writer connection: fill it, then query through the sandbox. */
  readonly db: Database.Database;
  /** Closes the writer and deletes the file (and its WAL files). */
  drop(): void;
}

/**
 * Runs caller SQL read-only, off the main thread, with a hard time and row
 * budget, fairly across principals:
 * - statements run in separate worker processes (empty env, small heap), each
 *   on a READ-ONLY + query_only connection to a mirror file that holds only
 *   what the caller may see; past the time budget the process is SIGKILLed, so
 *   a recursive CTE cannot freeze the parent's event loop;
 * - SQLite must report the statement read-only and returning rows; rows and
 *   bytes are capped; an ATTACH that slipped through stops the worker;
 * - a per-principal queue with round-robin dispatch (one running statement per
 *   principal) keeps one caller's runaway statements from delaying another's;
 * - mirrors live in a 0700 temp dir (files 0600) removed on close, exit or a
 *   fatal signal, and by the next start after a SIGKILL.
 * Nothing here inspects the SQL text.
 */
export class QuerySandbox {
  readonly #dir: PrivateDir;
  readonly #workers: SqlWorker[];
  readonly #scheduler: FairScheduler;
  readonly #codePrefix: string;
  readonly timeoutMs: number;
  #mirrors = 0;
  #closed = false;

  constructor(opts: QuerySandboxOptions) {
    this.#codePrefix = opts.codePrefix ?? 'QUERY';
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#dir = openPrivateDir(opts.prefix, opts.baseDir);
    const n = Math.max(1, opts.workers ?? 2);
    this.#workers = Array.from(
      { length: n },
      () =>
        new SqlWorker({
          timeoutMs: this.timeoutMs,
          codePrefix: this.#codePrefix,
          hint: opts.hint ?? '',
          maxHeapMb: opts.maxHeapMb ?? 128,
        }),
    );
    this.#scheduler = new FairScheduler({
      slots: n,
      maxQueuedPerPrincipal: opts.maxQueuedPerPrincipal ?? 4,
      codePrefix: this.#codePrefix,
    });
  }

  /** The private directory (0700) holding the mirrors. */
  get dir(): string {
    return this.#dir.path;
  }

  /**
   * A new mirror database in the private directory, created 0600. `wal: true`
   * for a mirror that keeps being written while queries run (readers never
   * block the writer); default: rollback journal, for a write-once snapshot.
   */
  createMirror(name: string, schemaSql: string, opts: { wal?: boolean } = {}): Mirror {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`invalid mirror name ${JSON.stringify(name)}`);
    const path = join(this.#dir.path, `${name}-${++this.#mirrors}.db`);
    const db = new Database(path);
    chmodSync(path, 0o600);
    try {
      if (opts.wal === true) db.pragma('journal_mode = WAL');
      db.exec(schemaSql);
    } catch (err) {
      db.close();
      rmSync(path, { force: true });
      throw err;
    }
    return {
      path,
      db,
      drop: () => {
        if (db.open) db.close();
        for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
      },
    };
  }

  /** Runs one read-only statement of `principal` against `dbPath` (a mirror), queued fairly. */
  query(principal: string, dbPath: string, sql: string, budget: QueryBudget = {}): Promise<QueryRows> {
    const p = this.#codePrefix;
    if (this.#closed)
      return Promise.reject(new QuerySandboxError(`${p}_CLOSED`, 'the query sandbox is closed', 'CLOSED'));
    if (sql.length > MAX_SQL_CHARS)
      return Promise.reject(
        new QuerySandboxError(`${p}_INVALID`, `SQL longer than ${MAX_SQL_CHARS} characters`, 'INVALID'),
      );
    if (sql.includes('\0'))
      return Promise.reject(new QuerySandboxError(`${p}_INVALID`, 'SQL contains a NUL byte', 'INVALID'));
    const question = {
      db: dbPath,
      sql,
      maxRows: Math.min(Math.max(1, budget.maxRows ?? DEFAULT_MAX_ROWS), MAX_ROWS),
      maxBytes: Math.min(Math.max(1024, budget.maxBytes ?? MAX_RESULT_BYTES), MAX_RESULT_BYTES),
    };
    return this.#scheduler.submit(principal, () => {
      const worker = this.#workers.find((w) => !w.busy);
      // The scheduler never runs more tasks than workers, so one is always free.
      if (worker === undefined) throw new QuerySandboxError(`${p}_WORKER`, 'no free SQL worker', 'WORKER');
      return worker.ask(question);
    });
  }

  /** Per-principal queue state (diagnostics, tests). */
  stats(): { running: string[]; queued: Record<string, number> } {
    return this.#scheduler.stats();
  }

  /** Kills the workers, refuses queued statements and removes the private dir. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#scheduler.close();
    for (const w of this.#workers) w.kill();
    this.#dir.remove();
  }
}
