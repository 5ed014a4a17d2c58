import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditChain, signerFromPrivateKey } from '../src/index.js';

const ev = (i: number, eventId?: string) => ({
  type: 'T',
  actor: 'system:test',
  payload: { i },
  ...(eventId ? { eventId } : {}),
});

describe('rowsWritten', () => {
  it('counts exactly the rows the chain inserted, as total_changes() sees them', () => {
    const db = new Database(':memory:');
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const chain = new AuditChain(db, { signer: signerFromPrivateKey(privateKey) });
    const totalChanges = db.prepare('SELECT total_changes()').pluck();
    const start = totalChanges.get() as number;
    const startWritten = chain.rowsWritten;
    const same = () => expect((totalChanges.get() as number) - start).toBe(chain.rowsWritten - startWritten);

    chain.append(ev(1)); // own transaction: event + signed head
    same();
    chain.transaction(() => {
      chain.appendReturningHead(ev(2));
      const batch = chain.batch();
      for (let i = 0; i < 40; i++) batch.add(ev(100 + i)); // multi-row INSERTs and single rows
      batch.flush();
    });
    same();
    expect(chain.rowsWritten - startWritten).toBe(2 + 1 + 40 + 1);
    // a refused insert writes nothing and counts nothing
    expect(() => chain.append(ev(3, 'dup-1'))).not.toThrow();
    expect(() => chain.append(ev(4, 'dup-1'))).toThrow();
    same();
    // rolled back rows stay counted, like total_changes()
    expect(() =>
      chain.transaction(() => {
        chain.append(ev(5));
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    same();
    // other writes on the connection are what the difference shows
    db.exec('CREATE TABLE other (x)');
    db.prepare('INSERT INTO other VALUES (1)').run();
    expect((totalChanges.get() as number) - start - (chain.rowsWritten - startWritten)).toBe(1);
  });
});
