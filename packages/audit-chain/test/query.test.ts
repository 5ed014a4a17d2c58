import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditChain, formatHead, openSqlite, parseHead } from '../src/index.js';
import { chainWith, tempDir } from './helpers.js';

function timedChain(): AuditChain {
  const chain = new AuditChain(openSqlite(path.join(tempDir(), 'q.db')));
  const events = [
    ['2026-01-01T00:00:00.000Z', 'engine:matcher', 'match.proposed'],
    ['2026-01-02T00:00:00.000Z', 'human:alice', 'match.confirmed'],
    ['2026-01-03T00:00:00.000Z', 'engine:matcher', 'match.proposed'],
    ['2026-01-04T00:00:00.000Z', 'human:bob', 'POLICY_VIOLATION'],
  ] as const;
  events.forEach(([ts, actor, type], i) =>
    chain.append({ ts, actor, type, payload: { n: i + 1, amount: `${i}.50` } }),
  );
  return chain;
}

describe('AuditChain.query', () => {
  it('filters by actor, type and ts range, seq ascending, payload parsed', () => {
    const chain = timedChain();
    expect(chain.query({ actor: 'engine:matcher' }).map((r) => r.seq)).toEqual([1, 3]);
    expect(chain.query({ type: 'POLICY_VIOLATION' })[0]).toMatchObject({
      seq: 4,
      actor: 'human:bob',
      payload: { n: 4, amount: '3.50' },
    });
    expect(
      chain.query({ since: '2026-01-02T00:00:00Z', until: '2026-01-04T00:00:00Z' }).map((r) => r.seq),
    ).toEqual([2, 3]);
    expect(chain.query({ since: '2026-01-02T09:00:00+09:00' }).map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(chain.query({ actor: 'engine:matcher', type: 'match.confirmed' })).toEqual([]);
  });

  it('pages with afterSeq and limit', () => {
    const { chain } = chainWith(25);
    const first = chain.query({ limit: 10 });
    const second = chain.query({ afterSeq: first.at(-1)!.seq, limit: 10 });
    expect(first.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(second[0]!.seq).toBe(11);
    expect(chain.query({}).length).toBe(25);
    expect(second[0]!.prevHash).toBe(first.at(-1)!.hash);
  });

  it('defaults to 100 rows and accepts at most 1000', () => {
    const { chain } = chainWith(150);
    expect(chain.query({}).length).toBe(100);
    expect(chain.query({ limit: 1000 }).length).toBe(150);
    for (const limit of [0, 1001, 1.5, -1, Number.NaN]) {
      expect(() => chain.query({ limit })).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_QUERY' }));
    }
  });

  it('treats filter values as data, never SQL', () => {
    const chain = timedChain();
    expect(chain.query({ actor: "x' OR '1'='1" })).toEqual([]);
    expect(chain.count()).toBe(4);
    expect(() => chain.query({ since: "2026' OR 1=1 --" })).toThrow(
      expect.objectContaining({ code: 'AUDIT_INVALID_QUERY' }),
    );
    expect(() => chain.query({ afterSeq: -1 })).toThrow(
      expect.objectContaining({ code: 'AUDIT_INVALID_QUERY' }),
    );
  });
});

describe('parseHead / formatHead', () => {
  it('round-trips a real head and lower-cases the hash', () => {
    const { chain } = chainWith(3);
    const head = chain.head()!;
    expect(parseHead(formatHead(head))).toEqual(head);
    expect(parseHead(`${head.seq}:${head.hash.toUpperCase()}`)).toEqual(head);
    expect(chain.verify({ expectHead: parseHead(formatHead(head)) })).toMatchObject({ ok: true });
  });

  it.each([
    '',
    '3',
    ':abc',
    `0:${'a'.repeat(64)}`,
    `-1:${'a'.repeat(64)}`,
    `3:${'a'.repeat(63)}`,
    `3:${'g'.repeat(64)}`,
    `03:${'a'.repeat(64)}`,
    `99999999999999999:${'a'.repeat(64)}`,
    `3:${'a'.repeat(64)}:x`,
  ])('rejects %j with AUDIT_INVALID_HEAD', (text) => {
    expect(() => parseHead(text)).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_HEAD' }));
  });
});

describe('queryIndexes: false', () => {
  const indexes = (db: ReturnType<typeof openSqlite>) =>
    (
      db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'q_%' ORDER BY name")
        .all() as {
        name: string;
      }[]
    ).map((r) => r.name);

  it('creates no actor/type/ts index, drops them from an existing table, and query() still filters', () => {
    const file = path.join(tempDir(), 'noidx.db');
    const db = openSqlite(file);
    new AuditChain(db, { table: 'q' }).append({ actor: 'a', type: 't1', payload: {} });
    expect(indexes(db)).toEqual(['q_actor_idx', 'q_ts_idx', 'q_type_idx']);
    const chain = new AuditChain(db, { table: 'q', queryIndexes: false });
    expect(indexes(db)).toEqual([]);
    chain.append({ actor: 'b', type: 't2', payload: { n: 2 } });
    expect(chain.query({ actor: 'b' }).map((r) => r.seq)).toEqual([2]);
    expect(chain.query({ type: 't1' }).map((r) => r.seq)).toEqual([1]);
    expect(chain.verify()).toMatchObject({ ok: true, count: 2 });
    const fresh = openSqlite(path.join(tempDir(), 'fresh.db'));
    new AuditChain(fresh, { table: 'q', queryIndexes: false }).append({ actor: 'a', type: 't', payload: {} });
    // the event_id uniqueness stays (an index SQLite makes for the UNIQUE constraint)
    expect(
      fresh.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'q'").get(),
    ).toEqual({ n: 1 });
    expect(() =>
      new AuditChain(fresh, { table: 'q', queryIndexes: false }).append({
        actor: 'a',
        type: 't',
        payload: {},
        eventId: (fresh.prepare('SELECT event_id FROM q').get() as { event_id: string }).event_id,
      }),
    ).toThrow(/already exists/);
  });
});
