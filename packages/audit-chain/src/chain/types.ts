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
  'hash_mismatch' | 'prev_hash_mismatch' | 'gap' | 'reorder' | 'head_mismatch' | 'truncated';

export type VerifyResult =
  | { ok: true; count: number; head: ChainHead | null }
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
