import type Database from 'better-sqlite3';
import { GENESIS_HASH, hashBody, sha256Hex } from './hash-format.js';
import type { VerifyOptions, VerifyResult } from './types.js';
import { checkExpectedHead, classify, validHead, type WalkState } from './verify-report.js';
import { VERIFY_PROGRESS_EVERY } from './types.js';
import { fastChunkSql, slowChunkSql, walkRange, type RangeResult, type WalkDeps } from './verify-walk.js';

/**
 * Verifies the whole chain (see README "Verification"): the walk finds the
 * first broken row, this module names the reason, then checks an exported
 * head when one is given (the only way to see a truncated tail).
 *
 * One thread, one read snapshot. A worker-thread variant was measured on the
 * 2-core target machine and gave no gain at 1M events (the SQLite row read,
 * not the hashing, is the bound), so it was removed in favour of this path.
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
  const progress = progressReporter(opts.onProgress);
  const spec = {
    after: Number.MIN_SAFE_INTEGER,
    upTo: Number.MAX_SAFE_INTEGER,
    expectedSeq: 1,
    prevHash: GENESIS_HASH,
    watchSeq,
  };
  const state = toWalkState(inReadSnapshot(db, () => walkRange(deps, spec, progress.chunk)));
  if (state.broken === null && state.last !== null) progress.end(state.last.seq);
  return state;
}

function toWalkState(r: RangeResult): WalkState {
  const last = r.count > 0 && r.lastHash !== null ? { seq: r.lastSeq, hash: r.lastHash } : null;
  return { count: r.count, last, hashAtWatched: r.hashAtWatched, broken: r.broken };
}

/** onProgress gets increasing seqs, every VERIFY_PROGRESS_EVERY rows and at the end. */
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
    end: report,
  };
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
