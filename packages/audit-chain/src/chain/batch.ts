import { AuditChainError } from '../errors.js';
import { prepareEvent, type AuditEventInput, type PreparedEvent } from './event.js';
import { GENESIS_HASH, hashText, sha256Hex } from './hash-format.js';
import type { ChainHead } from './types.js';

/** What a batch needs from its chain: the stored head, and a way to insert linked rows. */
export interface BatchWriter {
  head(): ChainHead | null;
  /** Inserts `events.length` rows whose columns are laid end to end in `values`. */
  insertRows(values: unknown[], events: readonly PreparedEvent[]): void;
}

/**
 * Events held at most this long before they are written: held events
 * outlive the young generation and pile up as old-space garbage (a 1M-line
 * recon pass holding 4,000 per transaction peaked 1 GB higher).
 */
export const BATCH_FLUSH_EVERY = 64;

/**
 * Audit events appended in groups inside one transaction: one head read
 * and multi-row INSERTs per group, where appending one by one reads the
 * head and runs an INSERT per event. An event is validated and its
 * canonical payload written when it is added, so a bad event fails where
 * it is made; `add` returns the seq the event will get. Events are written
 * every {@link BATCH_FLUSH_EVERY} adds and by `flush`, which the caller
 * must call before its transaction commits. A flush refuses if the chain
 * moved since the batch last wrote (an append outside the batch on this
 * connection), as the seqs handed out would then be wrong.
 *
 * Only for a transaction that rolls back whole on any error: a savepoint
 * rolled back inside it would not take back the events added under it.
 */
export class AuditBatch {
  private pending: PreparedEvent[] = [];
  /** The head the next flush must find: where the batch opened, then where it last wrote. */
  private expected: ChainHead | null;

  constructor(
    private readonly writer: BatchWriter,
    opened: ChainHead | null,
  ) {
    this.expected = opened;
  }

  /** Validates the event and queues it; returns the seq it will be stored under. */
  add(event: AuditEventInput): number {
    this.pending.push(prepareEvent(event));
    const seq = (this.expected?.seq ?? 0) + this.pending.length;
    if (this.pending.length >= BATCH_FLUSH_EVERY) this.flush();
    return seq;
  }

  /** Events added and not written yet. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** Links and stores every queued event, in order; returns the head after them. */
  flush(): ChainHead | null {
    const head = this.writer.head();
    if (head?.seq !== this.expected?.seq || head?.hash !== this.expected?.hash) {
      throw new AuditChainError(
        'AUDIT_CONCURRENT_APPEND',
        `the chain moved under an open audit batch (expected ${describe(this.expected)}, found ${describe(head)}); nothing was appended`,
      );
    }
    const events = this.pending;
    if (events.length === 0) return head;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const values: unknown[] = [];
    for (const e of events) {
      seq++;
      const hash = sha256Hex(hashText(prevHash, seq, e.eventId, e.ts, e.actor, e.type, e.payloadJson));
      values.push(seq, e.eventId, e.ts, e.actor, e.type, e.payloadJson, prevHash, hash);
      prevHash = hash;
    }
    this.writer.insertRows(values, events);
    this.pending = [];
    this.expected = { seq, hash: prevHash };
    return this.expected;
  }
}

function describe(head: ChainHead | null): string {
  return head === null ? 'an empty chain' : `head seq ${head.seq}`;
}
