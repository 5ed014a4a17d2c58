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
 * Audit events collected during one transaction and appended together at
 * its end: one head read and multi-row INSERTs, where appending one by one
 * reads the head and runs an INSERT per event. An event is validated and
 * its canonical payload written when it is added, so a bad event fails
 * where it is made. `add` returns the seq the event will get; `flush`
 * refuses if the chain moved since the batch opened (an append outside the
 * batch on this connection), as those seqs would then be wrong.
 *
 * Only for a transaction that rolls back whole on any error: a savepoint
 * rolled back inside it would not take back the events added under it.
 */
export class AuditBatch {
  private readonly events: PreparedEvent[] = [];
  private flushed = false;

  constructor(
    private readonly writer: BatchWriter,
    private readonly opened: ChainHead | null,
  ) {}

  /** Validates the event and queues it; returns the seq it will be stored under. */
  add(event: AuditEventInput): number {
    if (this.flushed) throw batchError('this audit batch was already flushed; open a new one');
    this.events.push(prepareEvent(event));
    return (this.opened?.seq ?? 0) + this.events.length;
  }

  get size(): number {
    return this.events.length;
  }

  /** Links and stores every queued event, in order; returns the new head. */
  flush(): ChainHead | null {
    if (this.flushed) throw batchError('this audit batch was already flushed; open a new one');
    this.flushed = true;
    const head = this.writer.head();
    if (head?.seq !== this.opened?.seq || head?.hash !== this.opened?.hash) {
      throw batchError(
        `the chain moved while a batch was open (head was ${describe(this.opened)}, is ${describe(head)}); nothing was appended`,
      );
    }
    if (this.events.length === 0) return head;
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const values: unknown[] = [];
    for (const e of this.events) {
      seq++;
      const hash = sha256Hex(hashText(prevHash, seq, e.eventId, e.ts, e.actor, e.type, e.payloadJson));
      values.push(seq, e.eventId, e.ts, e.actor, e.type, e.payloadJson, prevHash, hash);
      prevHash = hash;
    }
    this.writer.insertRows(values, this.events);
    return { seq, hash: prevHash };
  }
}

function describe(head: ChainHead | null): string {
  return head === null ? 'empty' : `seq ${head.seq}`;
}

function batchError(message: string): AuditChainError {
  return new AuditChainError('AUDIT_CONCURRENT_APPEND', message);
}
