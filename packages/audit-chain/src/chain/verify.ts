import Database from 'better-sqlite3';
import { hashBody, sha256Hex } from './hash-format.js';
import { publicKeyFromPem } from '../signing/keys.js';
import { checkSignatures } from '../signing/verify-signatures.js';
import { checkTriggers } from '../store/triggers.js';
import type { SignatureSummary, VerifyOptions, VerifyResult } from './types.js';
import { checkExpectedHead, classify, validHead, type WalkState } from './verify-report.js';
import { VERIFY_PROGRESS_EVERY } from './types.js';
import { runRanges } from './verify-parallel.js';
import { combine, planRanges, rangeCount, threadsFor } from './verify-plan.js';
import { fastChunkSql, slowChunkSql, walkRange, type RangeResult, type WalkDeps } from './verify-walk.js';

/**
 * Verifies the whole chain (see README "Verification"): the walk finds the
 * first broken row, this module names the reason, then checks an exported
 * head when one is given (the only way to see a truncated tail).
 *
 * Large file-backed chains are walked by this thread plus worker threads
 * (verify-parallel.ts), each over its own seq ranges of one shared snapshot.
 */
export function verifyChain(db: Database.Database, table: string, opts: VerifyOptions = {}): VerifyResult {
  const expectHead = opts.expectHead === undefined ? undefined : validHead(opts.expectHead);
  const publicKey =
    opts.publicKey === undefined
      ? undefined
      : typeof opts.publicKey === 'string'
        ? publicKeyFromPem(opts.publicKey)
        : opts.publicKey;
  // signatures and the walk read one snapshot: a commit in between must not look like an unsigned tail
  return walkAll(db, table, expectHead?.seq ?? -1, opts, (state): VerifyResult => {
    if (state.broken !== null) return classify(db, table, state.broken, state.count);
    if (expectHead !== undefined) {
      const headProblem = checkExpectedHead(state, expectHead);
      if (headProblem !== null) return headProblem;
    }
    let signatures: SignatureSummary | undefined;
    if (publicKey !== undefined) {
      const checked = checkSignatures(db, table, state.last, {
        publicKey,
        ...(opts.headLog !== undefined ? { headLog: opts.headLog } : {}),
        ...(opts.allSignatures !== undefined ? { allSignatures: opts.allSignatures } : {}),
      });
      if ('reason' in checked) return { ok: false, ...checked, count: state.count };
      signatures = checked;
    }
    if (opts.checkTriggers !== false) {
      const problem = checkTriggers(db, table)[0];
      if (problem !== undefined) {
        return {
          ok: false,
          brokenSeq: 0,
          reason: problem.problem === 'missing' ? 'trigger_missing' : 'trigger_altered',
          message: `append-only trigger ${problem.name} is ${problem.problem === 'missing' ? 'missing (dropped)' : 'altered (no longer the one the schema defines)'}: someone wrote to the file outside the application`,
          count: state.count,
        };
      }
    }
    return signatures === undefined
      ? { ok: true, count: state.count, head: state.last }
      : { ok: true, count: state.count, head: state.last, signatures };
  });
}

function walkAll<T>(
  db: Database.Database,
  table: string,
  watchSeq: number,
  opts: VerifyOptions,
  inSnapshot: (state: WalkState) => T,
): T {
  const deps: WalkDeps = {
    fast: db.prepare(fastChunkSql(table)).raw(true),
    slow: db.prepare(slowChunkSql(table)).raw(true),
    sha256Hex,
    hashBody,
  };
  const callerTx = db.inTransaction;
  const wanted = threadsFor(db, callerTx ? 0 : maxSeqOf(db, table), opts.threads, callerTx);
  // Taken before this connection's snapshot begins: see snapshotWatch.
  const watch = wanted > 1 ? snapshotWatch(db) : null;
  try {
    return inReadSnapshot(db, () => {
      const maxSeq = maxSeqOf(db, table);
      const threads = watch === null ? 1 : wanted;
      const specs = planRanges(maxSeq, threads === 1 ? 1 : rangeCount(maxSeq, threads), watchSeq);
      const progress = progressReporter(opts.onProgress);
      const results =
        watch === null
          ? [walkRange(deps, specs[0]!, progress.chunk)]
          : runRanges({
              file: db.name,
              table,
              specs,
              threads,
              walkHere: (spec, onChunk) => walkRange(deps, spec, onChunk),
              onResults: (partial) => progress.ranges(partial),
              snapshotUnchanged: watch.unchanged,
            });
      const state = combine(specs, results);
      if (state.broken === null && state.last !== null) progress.end(state.last.seq);
      return inSnapshot(state);
    });
  } finally {
    watch?.close();
  }
}

function maxSeqOf(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT max(seq) FROM ${table}`).pluck().get() as number | null) ?? 0;
}

/**
 * `PRAGMA data_version` of a side connection changes whenever any other
 * connection commits. Read once before this connection's snapshot begins and
 * again once every worker holds its own: equal values mean no commit landed
 * in between, so all of them read the same data. Null when the side
 * connection cannot be opened (verify then stays on one thread).
 */
function snapshotWatch(db: Database.Database): { unchanged: () => boolean; close: () => void } | null {
  if (db.memory || db.name === '' || db.name === ':memory:') return null;
  let side: Database.Database;
  try {
    side = new Database(db.name, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
  const version = (): unknown => side.pragma('data_version', { simple: true });
  const before = version();
  return { unchanged: () => version() === before, close: () => side.close() };
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

function inReadSnapshot<T>(db: Database.Database, work: () => T): T {
  if (db.inTransaction) return work();
  db.exec('BEGIN');
  try {
    return work();
  } finally {
    db.exec('COMMIT');
  }
}
