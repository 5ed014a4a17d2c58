import type Database from 'better-sqlite3';
import { AuditChainError } from '../errors.js';
import type { ChainHead, VerifyFailureReason, VerifyResult } from './types.js';
import type { Break } from './verify-walk.js';

/** Turns the walk's first break, or an exported-head check, into a VerifyResult a person can act on. */

export type Failure = Extract<VerifyResult, { ok: false }>;

/** What the walk established about the chain. */
export interface WalkState {
  count: number;
  last: ChainHead | null;
  hashAtWatched: string | null;
  broken: Break | null;
}

function failure(brokenSeq: number, reason: VerifyFailureReason, message: string, count: number): Failure {
  return { ok: false, brokenSeq, reason, message, count };
}

export function classify(db: Database.Database, table: string, b: Break, count: number): Failure {
  if (b.kind === 'gap') {
    const message =
      b.seq < 1
        ? `unexpected seq ${b.seq}: the chain must start at seq 1 (a row was inserted out of band)`
        : `seq ${b.seq} is missing: the chain jumps over it (a row was deleted)`;
    return failure(b.seq, 'gap', message, count);
  }
  if (b.kind === 'hash') {
    return failure(
      b.seq,
      'hash_mismatch',
      `seq ${b.seq}: stored hash does not match the row's contents (the row was edited)`,
      count,
    );
  }
  // Diagnostic only (runs once, on failure): where does this row's prev_hash point?
  const owner = db.prepare(`SELECT seq FROM ${table} WHERE hash = ? LIMIT 1`).pluck().get(b.storedPrev) as
    number | undefined;
  if (owner !== undefined && owner !== b.seq - 1) {
    return failure(
      b.seq,
      'reorder',
      `seq ${b.seq}: prev_hash links to the event stored at seq ${owner}, not to seq ${b.seq - 1} (rows were re-ordered)`,
      count,
    );
  }
  const previous = b.seq === 1 ? 'the genesis value' : `the hash of seq ${b.seq - 1}`;
  return failure(
    b.seq,
    'prev_hash_mismatch',
    `seq ${b.seq}: prev_hash does not equal ${previous} (an earlier row was replaced or its hash forged)`,
    count,
  );
}

export function checkExpectedHead(state: WalkState, expected: ChainHead): Failure | null {
  const lastSeq = state.last?.seq ?? 0;
  if (lastSeq < expected.seq) {
    return failure(
      lastSeq + 1,
      'truncated',
      `chain ends at seq ${lastSeq} but the exported head is seq ${expected.seq}: events ${lastSeq + 1}..${expected.seq} are missing (tail truncated)`,
      state.count,
    );
  }
  if (state.hashAtWatched !== expected.hash) {
    return failure(
      expected.seq,
      'head_mismatch',
      `seq ${expected.seq} has hash ${state.hashAtWatched ?? '(none)'} but the exported head says ${expected.hash} (the chain was rewritten at or before that seq)`,
      state.count,
    );
  }
  return null;
}

export function validHead(head: ChainHead): ChainHead {
  const ok =
    typeof head === 'object' &&
    head !== null &&
    Number.isSafeInteger(head.seq) &&
    head.seq >= 1 &&
    typeof head.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(head.hash);
  if (!ok) {
    throw new AuditChainError(
      'AUDIT_INVALID_HEAD',
      'expectHead must be { seq: integer >= 1, hash: 64 lower-case hex }',
    );
  }
  return head;
}
