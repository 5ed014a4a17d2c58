import type Database from 'better-sqlite3';
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditChain, eventHash, openSqlite } from '../src/index.js';
import * as parallel from '../src/chain/verify-parallel.js';
import { combine, planRanges } from '../src/chain/verify-plan.js';
import { attackerConnection, chainWith } from './helpers.js';

// 3 threads over 3000 events: ranges 1..1000 (this thread), 1001..2000 and 2001.. (workers).
const N = 3000;
const THREADS = 3;

// With mainTakesRanges off, every range is walked by a worker: a detection below is the workers' own.
beforeEach(() => {
  Object.assign(parallel.workerStats, {
    started: 0,
    rangesByWorkers: 0,
    rangesByMain: 0,
    rangesRedone: 0,
    snapshotMismatches: 0,
    lastError: null,
  });
  parallel.parallelTuning.mainTakesRanges = false;
});

afterEach(() => {
  parallel.parallelTuning.mainTakesRanges = true;
  parallel.parallelTuning.afterWorkersStarted = undefined;
});

function rehash(raw: Database.Database, seq: number): void {
  const r = raw.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as Record<string, string>;
  const hash = eventHash(r.prev_hash!, {
    seq,
    eventId: r.event_id!,
    ts: r.ts!,
    actor: r.actor!,
    type: r.type!,
    payloadJson: r.payload!,
  });
  raw.prepare('UPDATE audit_events SET hash = ? WHERE seq = ?').run(hash, seq);
}

function expectWorkersRan(): void {
  expect(parallel.workerStats).toEqual({
    started: THREADS - 1,
    rangesByWorkers: 3,
    rangesByMain: 0,
    rangesRedone: 0,
    snapshotMismatches: 0,
    lastError: null,
  });
}

describe('verify on worker threads', () => {
  it('an intact chain verifies with the same result as one thread, and workers really ran', () => {
    const { chain } = chainWith(N);
    const single = chain.verify({ threads: 1 });
    const multi = chain.verify({ threads: THREADS });
    expect(multi).toEqual(single);
    expect(multi).toEqual({ ok: true, count: N, head: chain.head() });
    expectWorkersRan();
  });

  it.each([
    [500, 'in the first range'],
    [1500, 'in a worker range'],
    [2001, 'at the first row of the last range'],
    [N, 'at the head'],
  ])('edited row %i (%s) → hash_mismatch there', (seq) => {
    const { chain, file } = chainWith(N);
    attackerConnection(file).prepare(`UPDATE audit_events SET payload = '{}' WHERE seq = ?`).run(seq);
    expect(chain.verify({ threads: THREADS })).toMatchObject({
      ok: false,
      brokenSeq: seq,
      reason: 'hash_mismatch',
      count: seq - 1,
    });
  });

  it.each([1000, 1001, 1700, 2000])('deleted row %i (seams included) → gap there', (seq) => {
    const { chain, file } = chainWith(N);
    attackerConnection(file).prepare('DELETE FROM audit_events WHERE seq = ?').run(seq);
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: false, brokenSeq: seq, reason: 'gap' });
    expectWorkersRan();
  });

  it('a whole worker range deleted → gap at its first seq', () => {
    const { chain, file } = chainWith(N);
    attackerConnection(file).prepare('DELETE FROM audit_events WHERE seq BETWEEN 1001 AND 2000').run();
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: false, brokenSeq: 1001, reason: 'gap' });
  });

  it('forged hash on the last row of a range → prev_hash_mismatch at the seam', () => {
    const { chain, file } = chainWith(N);
    const raw = attackerConnection(file);
    raw.prepare(`UPDATE audit_events SET payload = '{"amount":"0.01"}' WHERE seq = 1000`).run();
    rehash(raw, 1000);
    expect(chain.verify({ threads: THREADS })).toMatchObject({
      ok: false,
      brokenSeq: 1001,
      reason: 'prev_hash_mismatch',
      count: 1000,
    });
  });

  it('rows swapped across two ranges → reorder', () => {
    const { chain, file } = chainWith(N);
    const raw = attackerConnection(file);
    raw.exec(`UPDATE audit_events SET seq = -1 WHERE seq = 900; UPDATE audit_events SET seq = 900 WHERE seq = 2100;
              UPDATE audit_events SET seq = 2100 WHERE seq = -1;`);
    expect(chain.verify({ threads: THREADS })).toMatchObject({
      ok: false,
      brokenSeq: 900,
      reason: 'reorder',
    });
  });

  it('truncation and an exported head work the same with workers', () => {
    const { chain, file } = chainWith(N);
    const exported = chain.head()!;
    const middle = chain.query({ afterSeq: 1499, limit: 1 })[0]!;
    attackerConnection(file)
      .prepare('DELETE FROM audit_events WHERE seq > ?')
      .run(N - 10);
    expect(chain.verify({ threads: THREADS, checkTriggers: false })).toMatchObject({
      ok: true,
      count: N - 10,
    });
    expect(chain.verify({ threads: THREADS, expectHead: exported })).toMatchObject({
      ok: false,
      reason: 'truncated',
      brokenSeq: N - 9,
    });
    expect(
      chain.verify({
        threads: THREADS,
        checkTriggers: false,
        expectHead: { seq: middle.seq, hash: middle.hash },
      }),
    ).toMatchObject({ ok: true });
    expect(
      chain.verify({ threads: THREADS, expectHead: { seq: middle.seq, hash: 'a'.repeat(64) } }),
    ).toMatchObject({
      ok: false,
      reason: 'head_mismatch',
      brokenSeq: 1500,
    });
  });

  it('progress is monotonic and ends at the head', () => {
    const { chain } = chainWith(N);
    const seen: number[] = [];
    chain.verify({ threads: THREADS, onProgress: (s) => seen.push(s) });
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(N);
  });

  it('work stealing: the main thread and the workers share the ranges, same results', () => {
    parallel.parallelTuning.mainTakesRanges = true;
    const { chain, file } = chainWith(N);
    expect(chain.verify({ threads: THREADS })).toEqual({ ok: true, count: N, head: chain.head() });
    const { rangesByMain, rangesByWorkers, rangesRedone } = parallel.workerStats;
    expect(rangesByMain + rangesByWorkers).toBe(3);
    expect(rangesRedone).toBe(0);
    attackerConnection(file).prepare('DELETE FROM audit_events WHERE seq = 2500').run();
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: false, brokenSeq: 2500, reason: 'gap' });
  });

  it('a worker that cannot open the database only costs speed: its ranges are walked here', () => {
    const { chain, file } = chainWith(N);
    // Moved once the workers are started, before they get to open it; this connection keeps its descriptor.
    parallel.parallelTuning.afterWorkersStarted = () => fs.renameSync(file, `${file}.moved`);
    expect(chain.verify({ threads: THREADS })).toEqual({ ok: true, count: N, head: chain.head() });
    expect(parallel.workerStats.rangesRedone).toBe(3);
    expect(parallel.workerStats.lastError).toMatch(/unable to open|does not exist|SQLITE_CANTOPEN/i);
  });

  it('an append committed while the workers take their snapshots: their results are redone here', () => {
    const { chain, file } = chainWith(N);
    const other = new AuditChain(openSqlite(file));
    parallel.parallelTuning.afterWorkersStarted = () => {
      other.append({ type: 'late', actor: 'a', payload: {} });
    };
    // This thread's snapshot began before the append: N events, never N + 1 from a worker.
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: true, count: N, head: { seq: N } });
    expect(parallel.workerStats.snapshotMismatches).toBe(1);
    expect(parallel.workerStats.rangesRedone).toBe(3);
    parallel.parallelTuning.afterWorkersStarted = undefined;
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: true, count: N + 1 });
    expect(parallel.workerStats.snapshotMismatches).toBe(1);
  });

  it("an edit committed while the workers take their snapshots is judged on this thread's snapshot", () => {
    const { chain, file } = chainWith(N);
    const raw = attackerConnection(file);
    parallel.parallelTuning.afterWorkersStarted = () => {
      raw.prepare(`UPDATE audit_events SET payload = '{}' WHERE seq = 2500`).run();
    };
    expect(chain.verify({ threads: THREADS, checkTriggers: false })).toEqual({
      ok: true,
      count: N,
      head: expect.anything(),
    });
    expect(parallel.workerStats.snapshotMismatches).toBe(1);
    parallel.parallelTuning.afterWorkersStarted = undefined;
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: false, brokenSeq: 2500 });
    expect(parallel.workerStats.snapshotMismatches).toBe(1);
  });

  it('without a side connection (in-memory database) verify stays on one thread', () => {
    const db = openSqlite(':memory:');
    const chain = new AuditChain(db);
    for (let i = 0; i < 10; i++) chain.append({ type: 't', actor: 'a', payload: { i } });
    expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: true, count: 10 });
    expect(parallel.workerStats.started).toBe(0);
  });

  it('stays on one thread inside a caller transaction (workers cannot see uncommitted rows)', () => {
    const { chain, db } = chainWith(100);
    db.transaction(() => {
      chain.append({ type: 'uncommitted', actor: 'a', payload: {} });
      expect(chain.verify({ threads: THREADS })).toMatchObject({ ok: true, count: 101 });
    })();
    expect(parallel.workerStats.started).toBe(0);
  });
});

describe('range planning and seams', () => {
  it('covers every seq exactly once', () => {
    const specs = planRanges(10, 3, -1);
    expect(specs.map((s) => [s.expectedSeq, s.upTo])).toEqual([
      [1, 4],
      [5, 8],
      [9, Number.MAX_SAFE_INTEGER],
    ]);
    expect(specs[0]!.prevHash).not.toBeNull();
    expect(specs.slice(1).every((s) => s.prevHash === null && s.after === s.expectedSeq - 1)).toBe(true);
  });

  it('a seam whose first prev_hash differs from the previous range end is a link break', () => {
    const specs = planRanges(4, 2, -1);
    const ok = {
      count: 2,
      firstPrev: undefined,
      lastSeq: 2,
      lastHash: 'h2',
      hashAtWatched: null,
      broken: null,
    };
    const bad = {
      count: 2,
      firstPrev: 'other',
      lastSeq: 4,
      lastHash: 'h4',
      hashAtWatched: null,
      broken: null,
    };
    expect(combine(specs, [ok, bad]).broken).toEqual({ kind: 'link', seq: 3, storedPrev: 'other' });
    expect(combine(specs, [ok, { ...bad, firstPrev: 'h2' }])).toMatchObject({
      broken: null,
      count: 4,
      last: { seq: 4, hash: 'h4' },
    });
  });
});
