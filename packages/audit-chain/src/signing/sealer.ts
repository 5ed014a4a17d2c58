import type Database from 'better-sqlite3';
import { AuditChainError } from '../errors.js';
import type { ChainHead } from '../chain/types.js';
import { signedHeadMessage, type SignedHead } from './head-message.js';
import { headsSchemaSql, HeadsStore } from './heads-store.js';
import type { HeadSigner } from './keys.js';

/** The event a key rotation appends; its head is sealed by the OLD key. */
export const KEY_ROTATED_EVENT = 'AUDIT_KEY_ROTATED';

/**
 * Signs the chain head at the end of a write transaction: one Ed25519
 * signature per transaction, however many events it appended (the hash chain
 * makes a signature over the head cover every earlier event).
 */
export class HeadSealer {
  private readonly store: HeadsStore;

  constructor(
    db: Database.Database,
    private readonly table: string,
    public signer: HeadSigner,
  ) {
    db.exec(headsSchemaSql(table));
    this.store = new HeadsStore(db, table);
  }

  /** Seals `head` unless it is already the newest signed head; returns the new signed head. */
  seal(head: ChainHead | null, now: () => string = () => new Date().toISOString()): SignedHead | null {
    if (head === null) return null;
    const last = this.store.last();
    if (last !== null && last.seq === head.seq && last.hash === head.hash) return null;
    if (last !== null && last.seq >= head.seq) {
      // events were removed under the signed heads: never sign over a truncated or rewritten chain
      throw new AuditChainError(
        'AUDIT_SIGNED_HEAD_CONFLICT',
        `the chain head (seq ${head.seq}) is at or behind the newest signed head (seq ${last.seq}) with another hash: the chain was truncated or rewritten outside the application; run audit verify`,
      );
    }
    const ts = now();
    const keyId = this.signer.keyId;
    const sig = Buffer.from(
      this.signer.sign(signedHeadMessage(this.table, head.seq, head.hash, ts, keyId)),
    ).toString('base64');
    const signed: SignedHead = { seq: head.seq, hash: head.hash, ts, keyId, sig };
    this.store.insert(signed);
    return signed;
  }

  last(): SignedHead | null {
    return this.store.last();
  }
}
