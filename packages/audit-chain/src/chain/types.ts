import type { KeyObject } from 'node:crypto';

/** One stored audit event, payload parsed back from its canonical JSON. */
export interface AuditRecord {
  seq: number;
  eventId: string;
  /** UTC, `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  ts: string;
  actor: string;
  type: string;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The newest event's position and hash: export it, keep it elsewhere, check it later. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export type VerifyFailureReason =
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'gap'
  | 'reorder'
  | 'head_mismatch'
  | 'truncated'
  // signed heads (only when a public key is given or the chain has a signer)
  | 'unsigned_tail'
  | 'signed_head_mismatch'
  | 'signature_invalid'
  | 'untrusted_key'
  | 'key_rotation_invalid'
  | 'head_log_missing'
  | 'head_log_invalid'
  // schema
  | 'trigger_missing'
  | 'trigger_altered';

/** Signature facts of a verified chain (present when signatures were checked). */
export interface SignatureSummary {
  /** Signed heads in the database. */
  heads: number;
  signaturesChecked: number;
  /** The newest signed head (covers every event up to its seq). */
  latest: { seq: number; hash: string; ts: string; keyId: string; sig: string } | null;
  /** Key ids of the chain's key lineage, oldest first. */
  keyIds: string[];
  /** Newest seq named by the side file, when one was checked. */
  headLogLatestSeq?: number;
}

export type VerifyResult =
  | { ok: true; count: number; head: ChainHead | null; signatures?: SignatureSummary }
  | { ok: false; brokenSeq: number; reason: VerifyFailureReason; message: string; count: number };

export interface VerifyOptions {
  /**
   * A head exported earlier (e.g. `chain.head()` written to a ticket or WORM
   * store). The chain must still contain that seq with that hash; later
   * events may follow it.
   */
  expectHead?: ChainHead;
  /** Called with the last verified seq every {@link VERIFY_PROGRESS_EVERY} rows and at the end. */
  onProgress?: (seq: number) => void;
  /**
   * Threads to walk the chain with (file databases outside a caller
   * transaction only). Default: one below 200k events, else one per CPU
   * (max 4). 1 forces a single thread.
   */
  threads?: number;
  /**
   * Trusted Ed25519 public key (SPKI PEM or KeyObject): every event must be
   * covered by a head signed by the chain's key lineage. Default: the
   * chain's signer's public key, if it has one; otherwise signatures are not
   * checked.
   */
  publicKey?: string | KeyObject;
  /** Side file of signed heads to check for truncation. Default: the chain's `headLog`. */
  headLog?: string;
  /** Check every signed head's signature (default: the newest and each key rotation's). */
  allSignatures?: boolean;
  /** Report dropped or altered append-only triggers (default true). */
  checkTriggers?: boolean;
}

export interface QueryFilter {
  actor?: string;
  type?: string;
  /** Inclusive lower bound on ts (ISO-8601). */
  since?: string;
  /** Exclusive upper bound on ts (ISO-8601). */
  until?: string;
  /** Only events with seq > afterSeq (pagination cursor). */
  afterSeq?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export const VERIFY_PROGRESS_EVERY = 16_384;
