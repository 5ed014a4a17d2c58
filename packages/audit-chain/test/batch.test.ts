import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  AuditChain,
  AuditChainError,
  BATCH_FLUSH_EVERY,
  openSqlite,
  type AuditEventInput,
} from '../src/index.js';
import { tempDir } from './helpers.js';

function freshChain(): { db: ReturnType<typeof openSqlite>; chain: AuditChain } {
  const db = openSqlite(path.join(tempDir(), 'a.db'));
  return { db, chain: new AuditChain(db) };
}

function event(i: number): AuditEventInput {
  return {
    type: i % 2 === 0 ? 'MATCH_PROPOSED' : 'MATCH_CONFIRMED',
    actor: i % 3 === 0 ? 'human:alice' : 'engine:matcher',
    payload: { matchId: i, amountUsd: `${i}.50`, entryIds: [i, i + 1], note: `ünïcode ${i} "q"` },
    ts: `2026-11-30T06:00:${String(i % 60).padStart(2, '0')}.000Z`,
    eventId: `evt-${i}`,
  };
}

function rows(db: ReturnType<typeof openSqlite>): unknown[] {
  return db.prepare('SELECT * FROM audit_events ORDER BY seq').all();
}

describe('AuditChain.batch', () => {
  // 16 rows go to one multi-row INSERT and 64 adds to one write: below, at and across both, after a non-empty chain
  it.each([0, 1, 15, 16, 17, 40, 63, 64, 65, 130])(
    'stores %i events exactly as one-by-one appends would',
    (n) => {
      const one = freshChain();
      const many = freshChain();
      for (const c of [one, many]) c.chain.append(event(1000));
      one.db.transaction(() => {
        for (let i = 0; i < n; i++) one.chain.append(event(i));
      })();
      const seqs: number[] = [];
      const head = many.db.transaction(() => {
        const batch = many.chain.batch();
        for (let i = 0; i < n; i++) seqs.push(batch.add(event(i)));
        expect(batch.pendingCount).toBe(n % BATCH_FLUSH_EVERY);
        return batch.flush();
      })();
      expect(rows(many.db)).toEqual(rows(one.db));
      expect(seqs).toEqual(Array.from({ length: n }, (_, i) => i + 2));
      expect(head).toEqual(one.chain.head());
      expect(many.chain.verify()).toMatchObject({ ok: true, count: n + 1 });
    },
  );

  it('starts a new chain from the genesis value', () => {
    const { db, chain } = freshChain();
    db.transaction(() => {
      const batch = chain.batch();
      expect(batch.add(event(1))).toBe(1);
      batch.flush();
    })();
    expect(chain.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('needs an open transaction', () => {
    const { chain } = freshChain();
    expect(() => chain.batch()).toThrow(expect.objectContaining({ code: 'AUDIT_NO_TRANSACTION' }));
  });

  it('appends nothing when the transaction rolls back after the flush', () => {
    const { db, chain } = freshChain();
    chain.append(event(0));
    expect(() =>
      db.transaction(() => {
        const batch = chain.batch();
        batch.add(event(1));
        batch.flush();
        throw new Error('injected after flush');
      })(),
    ).toThrow('injected after flush');
    expect(chain.count()).toBe(1);
  });

  it('refuses to flush when the chain moved under the batch, and writes nothing', () => {
    const { db, chain } = freshChain();
    db.transaction(() => {
      const batch = chain.batch();
      expect(batch.add(event(1))).toBe(1);
      chain.append(event(2)); // takes seq 1 behind the batch's back
      expect(() => batch.flush()).toThrow(/chain moved under an open audit batch/);
      expect(chain.count()).toBe(1);
    })();
    expect(chain.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses an event id already stored, or repeated inside the batch, and stores none of the batch', () => {
    for (const ids of [
      ['evt-1', 'fresh-a'],
      ['fresh-b', 'fresh-b'],
    ]) {
      const { db, chain } = freshChain();
      chain.append(event(1));
      const err = (() => {
        try {
          db.transaction(() => {
            const batch = chain.batch();
            for (let i = 0; i < 20; i++) batch.add({ ...event(i + 10), eventId: `ok-${i}` });
            for (const id of ids) batch.add({ ...event(50), eventId: id });
            batch.flush();
          })();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(AuditChainError);
      expect((err as AuditChainError).code).toBe('AUDIT_DUPLICATE_EVENT_ID');
      expect(chain.count()).toBe(1);
    }
  });

  it('rejects a bad event when it is added, not at the flush', () => {
    const { db, chain } = freshChain();
    db.transaction(() => {
      const batch = chain.batch();
      expect(() => batch.add({ ...event(1), payload: { amount: 0.1 } })).toThrow(/safe integer/);
      expect(() => batch.add({ ...event(1), actor: ' padded' })).toThrow(/whitespace/);
      expect(batch.pendingCount).toBe(0);
    })();
  });

  it('writes every 64 adds, so held events stay few, and goes on after any flush', () => {
    const { db, chain } = freshChain();
    db.transaction(() => {
      const batch = chain.batch();
      for (let i = 0; i < BATCH_FLUSH_EVERY - 1; i++) batch.add(event(i));
      expect(chain.count()).toBe(0);
      expect(batch.add(event(99))).toBe(BATCH_FLUSH_EVERY);
      expect(chain.count()).toBe(BATCH_FLUSH_EVERY);
      expect(batch.add(event(100))).toBe(BATCH_FLUSH_EVERY + 1);
      expect(batch.flush()).toEqual(chain.head());
      expect(batch.flush()).toEqual(chain.head()); // nothing pending: a no-op
      expect(batch.add(event(101))).toBe(BATCH_FLUSH_EVERY + 2);
      batch.flush();
    })();
    expect(chain.verify()).toMatchObject({ ok: true, count: BATCH_FLUSH_EVERY + 2 });
  });

  it('refuses a later flush when the chain moved after an earlier one', () => {
    const { db, chain } = freshChain();
    db.transaction(() => {
      const batch = chain.batch();
      batch.add(event(1));
      batch.flush();
      batch.add(event(2));
      chain.append(event(3));
      expect(() => batch.flush()).toThrow(/chain moved under an open audit batch/);
      expect(chain.count()).toBe(2);
    })();
    expect(chain.verify()).toMatchObject({ ok: true, count: 2 });
  });
});
