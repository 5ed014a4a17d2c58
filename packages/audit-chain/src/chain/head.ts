import { AuditChainError } from '../errors.js';
import type { ChainHead } from './types.js';

const HEAD = /^([1-9][0-9]{0,15}):([0-9a-fA-F]{64})$/;

/**
 * Parses the `SEQ:HASH` text form of a head (as printed by `formatHead`,
 * e.g. `1042:9f86d0...`), for CLIs such as `audit verify --expect-head`.
 * The hash is returned lower-case.
 */
export function parseHead(text: string): ChainHead {
  const m = typeof text === 'string' ? HEAD.exec(text.trim()) : null;
  const seq = m === null ? NaN : Number(m[1]);
  if (m === null || !Number.isSafeInteger(seq)) {
    throw new AuditChainError(
      'AUDIT_INVALID_HEAD',
      `invalid head ${JSON.stringify(text)}: expected SEQ:HASH, a positive integer, a colon and 64 hex characters (as printed by "audit head")`,
    );
  }
  return { seq, hash: m[2]!.toLowerCase() };
}

/** `SEQ:HASH`, the inverse of {@link parseHead}. */
export function formatHead(head: ChainHead): string {
  return `${head.seq}:${head.hash}`;
}
