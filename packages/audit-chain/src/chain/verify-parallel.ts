import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { hashBody } from './hash-format.js';
import { fastChunkSql, slowChunkSql, walkRange, type RangeResult, type RangeSpec } from './verify-walk.js';

/**
 * Worker threads for verify, kept synchronous. The seq space is cut into
 * many small ranges; the main thread and the workers claim them from one
 * shared atomic counter (work stealing), so a worker that gets little CPU
 * only takes fewer ranges. Workers post one message per range and raise a
 * flag when done; the main thread blocks on Atomics.wait and drains the
 * messages with receiveMessageOnPort (the pattern `synckit` uses). A range
 * with no good result from a worker (failure, time-out) is walked on the
 * main thread: workers only ever buy speed, never correctness.
 *
 * One snapshot: each worker reads through its own connection, so its WAL
 * snapshot is the one current when it began its read transaction. A worker
 * counts itself ready once it holds that snapshot; as soon as all are ready
 * the main thread asks `snapshotUnchanged` (PRAGMA data_version on a side
 * connection, read before the main snapshot began). No commit in between
 * means every reader saw the same data; otherwise every worker result is
 * dropped and its range walked again here.
 */

const requireHere = createRequire(import.meta.url);

/** Knobs (tests turn mainTakesRanges off to prove the workers' own results are right). */
export const parallelTuning = {
  minRangeRows: 1000,
  maxRangeRows: 65_536,
  rangesPerThread: 8,
  mainTakesRanges: true,
  /** Test hook: runs on the main thread right after the workers were started. */
  afterWorkersStarted: undefined as (() => void) | undefined,
};

/** Counters for tests and benchmarks: proof that workers really ran. */
export const workerStats = {
  started: 0,
  rangesByWorkers: 0,
  rangesByMain: 0,
  rangesRedone: 0,
  /** Worker results dropped because a commit landed while the snapshots were taken. */
  snapshotMismatches: 0,
  /** Why the last worker failed, if one did. */
  lastError: null as string | null,
};

/** Worker program (CommonJS, eval'd). The walker arrives as source text and is compiled inside the try. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, specs } = workerData;
const next = new Int32Array(workerData.next);
const done = new Int32Array(workerData.done);
const ready = new Int32Array(workerData.ready);
try {
  const crypto = require('node:crypto');
  const Database = require(workerData.sqlitePath);
  const walkRange = (0, eval)('(' + workerData.walkSource + ')');
  const hashBody = (0, eval)('(' + workerData.bodySource + ')');
  const sha256Hex = typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('query_only = ON');
    const deps = { fast: db.prepare(workerData.fastSql).raw(true), slow: db.prepare(workerData.slowSql).raw(true), sha256Hex, hashBody };
    db.exec('BEGIN');
    db.prepare(workerData.snapshotSql).get();
    Atomics.add(ready, 0, 1);
    for (;;) {
      const index = Atomics.add(next, 0, 1);
      if (index >= specs.length) break;
      try {
        port.postMessage({ index, ok: true, result: walkRange(deps, specs[index], undefined) });
      } catch (err) {
        port.postMessage({ index, ok: false, error: String((err && err.message) || err) });
      }
    }
    db.exec('COMMIT');
  } finally {
    db.close();
  }
} catch (err) {
  port.postMessage({ index: -1, ok: false, error: String((err && err.message) || err) });
}
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
`;

interface WorkerMessage {
  index: number;
  ok: boolean;
  result?: RangeResult;
  error?: string;
}

interface RunningWorker {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
}

export interface ParallelRun {
  file: string;
  table: string;
  specs: RangeSpec[];
  threads: number;
  /** Walks one range on the main thread; onChunk runs between its reads. */
  walkHere: (spec: RangeSpec, onChunk: () => void) => RangeResult;
  /** Called on the main thread whenever more results are in (for progress). */
  onResults: (results: (RangeResult | undefined)[]) => void;
  /** No commit since before the main thread's snapshot began (see the module comment). */
  snapshotUnchanged: () => boolean;
}

/** Shared between the main thread and the workers. */
interface Shared {
  next: Int32Array;
  ready: Int32Array;
  results: (RangeResult | undefined)[];
  byWorker: boolean[];
}

/** Results for every spec, in spec order. */
export function runRanges(run: ParallelRun): RangeResult[] {
  const shared: Shared = {
    next: new Int32Array(new SharedArrayBuffer(4)),
    ready: new Int32Array(new SharedArrayBuffer(4)),
    results: new Array<RangeResult | undefined>(run.specs.length),
    byWorker: new Array<boolean>(run.specs.length).fill(false),
  };
  const workers: RunningWorker[] = [];
  for (let i = 1; i < run.threads; i++) {
    const w = startWorker(run, shared);
    if (w !== null) workers.push(w);
  }
  parallelTuning.afterWorkersStarted?.();
  const snapshot = snapshotCheck(run, shared.ready, workers.length);
  const { next, results } = shared;
  if (parallelTuning.mainTakesRanges || workers.length === 0) {
    for (let index = Atomics.add(next, 0, 1); index < run.specs.length; index = Atomics.add(next, 0, 1)) {
      results[index] = run.walkHere(run.specs[index]!, snapshot.poll);
      workerStats.rangesByMain++;
      for (const w of workers) drain(w, shared);
      run.onResults(results);
    }
  }
  const timeoutMs = 120_000 + totalRows(run.specs) / 5;
  for (const w of workers) {
    Atomics.wait(w.done, 0, 0, timeoutMs);
    drain(w, shared);
    w.port.close();
    void w.worker.terminate();
  }
  if (!snapshot.trusted()) dropWorkerResults(shared);
  run.onResults(results);
  // A loop, not map: map skips the holes that are exactly the ranges to redo.
  const complete: RangeResult[] = [];
  for (let index = 0; index < run.specs.length; index++)
    complete.push(results[index] ?? redo(run, index, results));
  return complete;
}

/**
 * Decides once whether the workers' snapshots equal the main one: as soon
 * as every worker holds its snapshot (polled between chunks, so a commit
 * landing later does not count), or at the end for workers that never got
 * that far (they have no results to trust or drop).
 */
function snapshotCheck(run: ParallelRun, ready: Int32Array, workers: number) {
  let verdict: boolean | undefined;
  const poll = (): void => {
    if (verdict === undefined && Atomics.load(ready, 0) >= workers) verdict = run.snapshotUnchanged();
  };
  poll();
  return {
    poll,
    trusted: (): boolean => verdict ?? (verdict = run.snapshotUnchanged()),
  };
}

function dropWorkerResults(shared: Shared): void {
  workerStats.snapshotMismatches++;
  shared.byWorker.forEach((fromWorker, index) => {
    if (fromWorker) shared.results[index] = undefined;
  });
}

function redo(run: ParallelRun, index: number, results: (RangeResult | undefined)[]): RangeResult {
  workerStats.rangesRedone++;
  const result = run.walkHere(run.specs[index]!, () => undefined);
  results[index] = result;
  run.onResults(results);
  return result;
}

function drain(w: RunningWorker, shared: Shared): void {
  for (;;) {
    const received = receiveMessageOnPort(w.port) as { message: WorkerMessage } | undefined;
    if (received === undefined) return;
    const m = received.message;
    if (m.ok && m.result !== undefined && m.index >= 0 && m.index < shared.results.length) {
      shared.results[m.index] = m.result;
      shared.byWorker[m.index] = true;
      workerStats.rangesByWorkers++;
    } else {
      workerStats.lastError = m.error ?? 'malformed worker message';
    }
  }
}

function startWorker(run: ParallelRun, shared: Shared): RunningWorker | null {
  try {
    const { port1, port2 } = new MessageChannel();
    const done = new SharedArrayBuffer(4);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        port: port2,
        next: shared.next.buffer,
        ready: shared.ready.buffer,
        done,
        file: run.file,
        specs: run.specs,
        sqlitePath: requireHere.resolve('better-sqlite3'),
        walkSource: walkRange.toString(),
        bodySource: hashBody.toString(),
        snapshotSql: `SELECT 1 FROM ${run.table} LIMIT 1`,
        fastSql: fastChunkSql(run.table),
        slowSql: slowChunkSql(run.table),
      },
      transferList: [port2],
    });
    worker.unref();
    workerStats.started++;
    return { worker, port: port1, done: new Int32Array(done) };
  } catch (err) {
    workerStats.lastError = String(err);
    return null;
  }
}

function totalRows(specs: RangeSpec[]): number {
  const last = specs[specs.length - 1];
  return last === undefined ? 0 : last.expectedSeq + 65_536;
}
