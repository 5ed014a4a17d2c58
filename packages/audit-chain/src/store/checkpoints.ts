import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

const requireHere = createRequire(import.meta.url);

/** SQLite's default: a COMMIT that leaves more WAL pages than this checkpoints before it returns. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export interface BackgroundCheckpointOptions {
  /** How often the worker runs a PASSIVE checkpoint. Default 250 ms. */
  everyMs?: number;
  /**
   * The writer still checkpoints inside a COMMIT past this many WAL pages
   * (if the worker falls behind or dies), so the log stays bounded.
   * Default 20,000 pages (80 MiB at 4 KiB pages).
   */
  backstopPages?: number;
}

/** What the worker has done so far (read from shared memory, no message round trip). */
export interface CheckpointStats {
  /** PASSIVE checkpoints run. */
  runs: number;
  /** WAL frames in the log, and frames copied into the database, at the last run. */
  lastLogFrames: number;
  lastCheckpointedFrames: number;
  /** Why the worker stopped, if it failed (the writer then checkpoints at its backstop). */
  lastError: string | undefined;
}

export interface BackgroundCheckpoints {
  stats(): CheckpointStats;
  /** Stops the worker and gives the writer back SQLite's default threshold. */
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the writer's thread, for long-running processes.
 *
 * By default SQLite runs a checkpoint inside the COMMIT that takes the WAL
 * past 1,000 pages: that one write pays for copying the log into the
 * database file and syncing it (about 8 ms here, against about 4 ms for a
 * whole demo recon pass), so on a busy server roughly one write in fourteen
 * is slow. Here a worker thread runs PASSIVE checkpoints on its own
 * connection (never waiting for a lock: a busy checkpoint is retried on the
 * next tick), and the writer's threshold is raised to a backstop. A PASSIVE
 * checkpoint copies only frames no reader still needs and never blocks the
 * writer, so commits and reads carry on while it runs.
 *
 * Durability is unchanged: a checkpoint only moves committed pages from the
 * WAL into the database file. The worker is unref'd; call `stop` before
 * closing the writer.
 */
export function startBackgroundCheckpoints(
  db: Database.Database,
  opts: BackgroundCheckpointOptions = {},
): BackgroundCheckpoints {
  const everyMs = opts.everyMs ?? 250;
  const backstopPages = opts.backstopPages ?? 20_000;
  if (!Number.isInteger(everyMs) || everyMs < 1 || !Number.isInteger(backstopPages) || backstopPages < 1) {
    throw new RangeError(
      'background checkpoints need whole numbers of milliseconds and of backstop pages, each at least 1',
    );
  }
  if (db.memory || db.readonly || db.pragma('journal_mode', { simple: true }) !== 'wal') {
    throw new RangeError(`background checkpoints need a writable file database in WAL mode, not ${db.name}`);
  }
  const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      file: path.resolve(db.name),
      everyMs,
      shared: shared.buffer,
      sqlitePath: requireHere.resolve('better-sqlite3'),
    },
  });
  worker.unref();
  // a worker that fails leaves the writer to its backstop; the host must not crash for it
  let lastError: string | undefined;
  worker.on('error', (err) => {
    lastError = err.message;
  });
  db.pragma(`wal_autocheckpoint = ${backstopPages}`);
  let stopped: Promise<void> | undefined;
  return {
    stats: () => ({
      runs: Atomics.load(shared, 0),
      lastLogFrames: Atomics.load(shared, 1),
      lastCheckpointedFrames: Atomics.load(shared, 2),
      lastError,
    }),
    stop: () => {
      stopped ??= worker.terminate().then(() => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      });
      return stopped;
    },
  };
}

/** Plain CommonJS, evaluated in the worker: it runs the same under the sources and the build. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.sqlitePath);
const shared = new Int32Array(workerData.shared);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
setInterval(() => {
  try {
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    Atomics.store(shared, 1, r.log);
    Atomics.store(shared, 2, r.checkpointed);
    Atomics.add(shared, 0, 1);
  } catch {
    // SQLITE_BUSY and the like: the next tick tries again
  }
}, workerData.everyMs);
`;
