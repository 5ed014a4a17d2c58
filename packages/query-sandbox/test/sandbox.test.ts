import { existsSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { QuerySandbox, type QuerySandboxError } from '../src/index.js';

const sandboxes: QuerySandbox[] = [];
afterEach(() => sandboxes.splice(0).forEach((s) => s.close()));

function open(opts: Partial<ConstructorParameters<typeof QuerySandbox>[0]> = {}) {
  const s = new QuerySandbox({ prefix: 'qs-test', timeoutMs: 1500, ...opts });
  sandboxes.push(s);
  const mirror = s.createMirror('data', 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);');
  const insert = mirror.db.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < 50; i++) insert.run(`row ${i}`);
  mirror.db.close();
  return { s, db: mirror.path };
}

const ENDLESS =
  'SELECT count(*) AS n FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)';

describe('QuerySandbox', () => {
  it('answers a read-only statement, capped in rows, from a 0600 mirror in a 0700 dir', async () => {
    const { s, db } = open();
    expect((statSync(s.dir).mode & 0o777).toString(8)).toBe('700');
    expect((statSync(db).mode & 0o777).toString(8)).toBe('600');
    const r = await s.query('alice', db, 'SELECT id, v FROM t ORDER BY id', { maxRows: 10 });
    expect(r).toMatchObject({ rowCount: 10, truncated: true, truncatedBy: 'rows' });
    expect(r.rows[0]).toEqual({ id: 1, v: 'row 0' });
  });

  it.each([
    'DELETE FROM t',
    "ATTACH DATABASE '/tmp/x.db' AS x",
    'PRAGMA query_only = 0',
    'CREATE TABLE u (x)',
    'BEGIN',
  ])('refuses %s with a stable code and leaves the data intact', async (sql) => {
    const { s, db } = open();
    await expect(s.query('alice', db, sql)).rejects.toMatchObject({
      code: expect.stringMatching(/^QUERY_(NOT_READONLY|INVALID|FAILED)$/),
    });
    expect((await s.query('alice', db, 'SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 50 }]);
  });

  it('kills a runaway recursive CTE at the time budget without blocking this event loop', async () => {
    const { s, db } = open({ timeoutMs: 800 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    try {
      await expect(s.query('mallory', db, ENDLESS)).rejects.toMatchObject({ code: 'QUERY_TIMEOUT' });
    } finally {
      clearInterval(timer);
    }
    // The event loop kept turning while the statement ran (in-process it would be 0).
    expect(ticks).toBeGreaterThan(5);
    expect((await s.query('mallory', db, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it("one principal's queued runaway statements do not delay another principal", async () => {
    const { s, db } = open({ timeoutMs: 2500, workers: 2, maxQueuedPerPrincipal: 8 });
    const order: string[] = [];
    const mallory = [1, 2, 3, 4].map((i) =>
      s.query('mallory', db, ENDLESS).catch((e: QuerySandboxError) => order.push(`mallory-${i}:${e.code}`)),
    );
    const alice = s.query('alice', db, 'SELECT count(*) AS n FROM t').then((r) => {
      order.push('alice');
      return r;
    });
    expect((await alice).rows).toEqual([{ n: 50 }]);
    // Only one of mallory's statements runs at a time, so alice got the other worker at once.
    expect(s.stats().running).toEqual(['mallory']);
    expect(order[0]).toBe('alice');
    await Promise.all(mallory);
    expect(order.filter((o) => o.endsWith('QUERY_TIMEOUT'))).toHaveLength(4);
  }, 30_000);

  it('refuses a principal whose queue is full, without touching the others', async () => {
    const { s, db } = open({ timeoutMs: 1000, workers: 1, maxQueuedPerPrincipal: 1 });
    const first = s.query('mallory', db, ENDLESS).catch(() => 'stopped');
    const second = s.query('mallory', db, ENDLESS).catch(() => 'stopped');
    await expect(s.query('mallory', db, 'SELECT 1')).rejects.toMatchObject({ code: 'QUERY_SATURATED' });
    const alice = s.query('alice', db, 'SELECT 2 AS two');
    // With one worker, alice is served right after mallory's running statement, before mallory's queued one.
    const settled: string[] = [];
    await Promise.all([
      alice.then(() => settled.push('alice')),
      second.then(() => settled.push('mallory-2')),
      first,
    ]);
    expect(settled).toEqual(['alice', 'mallory-2']);
  }, 20_000);

  it('close() removes the private dir and refuses further queries', async () => {
    const { s, db } = open();
    const dir = s.dir;
    s.close();
    expect(existsSync(dir)).toBe(false);
    await expect(s.query('alice', db, 'SELECT 1')).rejects.toMatchObject({ code: 'QUERY_CLOSED' });
  });
});
