import os from 'node:os';
import type Database from 'better-sqlite3';
import { GENESIS_HASH, hashBody, sha256Hex } from './hash-format.js';
import type { VerifyOptions, VerifyResult } from './types.js';
import { checkExpectedHead, classify, validHead, type WalkState } from './verify-report.js';
import { VERIFY_PROGRESS_EVERY } from './types.js';
import { parallelTuning, runRanges } from './verify-parallel.js';
import {
  fastChunkSql,
  slowChunkSql,
  walkRange,
  type RangeResult,
  type RangeSpec,
  type WalkDeps,
} from './verify-walk.js';

/** Below this many events verify stays on one thread (a worker costs ~30 ms to start). */
export const PARALLEL_MIN_EVENTS = 200_000;
const MAX_THREADS = 4;

/**
 * Verifies the whole chain (see README "Verification"): the walk finds the
 * first broken row, this module names the reason, then checks an exported
 * head when one is given (the only way to see a truncated tail).
 */
export function verifyChain(db: Database.Database, table: string, opts: VerifyOptions = {}): VerifyResult {
  const expectHead = opts.expectHead === undefined ? undefined : validHead(opts.expectHead);
  const state = walkAll(db, table, expectHead?.seq ?? -1, opts);
  if (state.broken !== null) return classify(db, table, state.broken, state.count);
  if (expectHead !== undefined) {
    const headProblem = checkExpectedHead(state, expectHead);
    if (headProblem !== null) return headProblem;
  }
  return { ok: true, count: state.count, head: state.last };
}

function walkAll(db: Database.Database, table: string, watchSeq: number, opts: VerifyOptions): WalkState {
  const deps: WalkDeps = {
    fast: db.prepare(fastChunkSql(table)).raw(true),
    slow: db.prepare(slowChunkSql(table)).raw(true),
    sha256Hex,
    hashBody,
  };
  const callerTx = db.inTransaction;
  return inReadSnapshot(db, () => {
    const maxSeq = (db.prepare(`SELECT max(seq) FROM ${table}`).pluck().get() as number | null) ?? 0;
    const threads = threadsFor(db, maxSeq, opts.threads, callerTx);
    const specs = planRanges(maxSeq, threads === 1 ? 1 : rangeCount(maxSeq, threads), watchSeq);
    const progress = progressReporter(opts.onProgress);
    const results =
      specs.length === 1
        ? [walkRange(deps, specs[0]!, progress.chunk)]
        : runRanges({
            file: db.name,
            table,
            specs,
            threads,
            walkHere: (spec) => walkRange(deps, spec, undefined),
            onResults: (partial) => progress.ranges(partial),
          });
    const state = combine(specs, results);
    if (state.broken === null && state.last !== null) progress.end(state.last.seq);
    return state;
  });
}

/** onProgress gets increasing seqs: per chunk on one thread, per finished prefix of ranges otherwise. */
function progressReporter(onProgress: ((seq: number) => void) | undefined) {
  let reported = 0;
  let nextAt = VERIFY_PROGRESS_EVERY;
  const report = (seq: number): void => {
    if (onProgress !== undefined && seq > reported) {
      reported = seq;
      onProgress(seq);
    }
  };
  return {
    chunk: (lastSeq: number, count: number): void => {
      if (count < nextAt) return;
      nextAt = count + VERIFY_PROGRESS_EVERY;
      report(lastSeq);
    },
    ranges: (partial: (RangeResult | undefined)[]): void => {
      let last = 0;
      for (const r of partial) {
        if (r === undefined || r.broken !== null) break;
        last = r.lastSeq;
      }
      report(last);
    },
    end: report,
  };
}

/**
 * Workers read through their own connections, so they only see committed
 * rows: a caller's open transaction (maybe holding uncommitted appends) or an
 * in-memory database keeps verify on this thread.
 */
function threadsFor(
  db: Database.Database,
  maxSeq: number,
  requested: number | undefined,
  callerTx: boolean,
): number {
  const fileBacked = !db.memory && db.name !== '' && db.name !== ':memory:';
  if (!fileBacked || callerTx) return 1;
  if (requested !== undefined) return Math.max(1, Math.min(MAX_THREADS, Math.floor(requested)));
  if (maxSeq < PARALLEL_MIN_EVENTS) return 1;
  return Math.max(1, Math.min(MAX_THREADS, os.availableParallelism()));
}

/** Several small ranges per thread, so work stealing can balance uneven CPU shares. */
function rangeCount(maxSeq: number, threads: number): number {
  const { minRangeRows, maxRangeRows, rangesPerThread } = parallelTuning;
  const rows = Math.min(
    maxRangeRows,
    Math.max(minRangeRows, Math.ceil(maxSeq / (threads * rangesPerThread))),
  );
  return Math.max(1, Math.ceil(maxSeq / rows));
}

/** Equal seq ranges; the first starts at genesis, the last runs to the end of the table. */
export function planRanges(maxSeq: number, parts: number, watchSeq: number): RangeSpec[] {
  const size = Math.ceil(maxSeq / parts);
  const specs: RangeSpec[] = [];
  for (let i = 0; i < parts; i++) {
    const after = i === 0 ? Number.MIN_SAFE_INTEGER : i * size;
    const upTo = i === parts - 1 ? Number.MAX_SAFE_INTEGER : (i + 1) * size;
    specs.push({ after, upTo, expectedSeq: i * size + 1, prevHash: i === 0 ? GENESIS_HASH : null, watchSeq });
  }
  return specs;
}

/** Joins range results in seq order; the seam check is the first row's link of each later range. */
export function combine(specs: RangeSpec[], results: RangeResult[]): WalkState {
  const state: WalkState = { count: 0, last: null, hashAtWatched: null, broken: null };
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const spec = specs[i]!;
    const gapFirst = r.broken?.kind === 'gap' && r.broken.seq <= spec.expectedSeq;
    if (i > 0 && !gapFirst && r.firstPrev !== undefined && r.firstPrev !== state.last?.hash) {
      state.broken = { kind: 'link', seq: spec.expectedSeq, storedPrev: r.firstPrev };
      return state;
    }
    state.count += r.count;
    if (r.hashAtWatched !== null) state.hashAtWatched = r.hashAtWatched;
    if (r.count > 0 && r.lastHash !== null) state.last = { seq: r.lastSeq, hash: r.lastHash };
    if (r.broken !== null) {
      state.broken = r.broken;
      return state;
    }
  }
  return state;
}

function inReadSnapshot<T>(db: Database.Database, work: () => T): T {
  if (db.inTransaction) return work();
  db.exec('BEGIN');
  try {
    return work();
  } finally {
    db.exec('COMMIT');
  }
}
