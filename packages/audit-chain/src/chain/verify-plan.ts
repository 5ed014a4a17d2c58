import os from 'node:os';
import type Database from 'better-sqlite3';
import { GENESIS_HASH } from './hash-format.js';
import type { WalkState } from './verify-report.js';
import { parallelTuning } from './verify-parallel.js';
import type { RangeResult, RangeSpec } from './verify-walk.js';

/** Below this many events verify stays on one thread (a worker costs ~30 ms to start). */
export const PARALLEL_MIN_EVENTS = 200_000;
const MAX_THREADS = 4;

/**
 * Workers read through their own connections, so they only see committed
 * rows: a caller's open transaction (maybe holding uncommitted appends) or an
 * in-memory database keeps verify on this thread.
 */
export function threadsFor(
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
export function rangeCount(maxSeq: number, threads: number): number {
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
