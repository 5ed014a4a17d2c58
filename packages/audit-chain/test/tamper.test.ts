import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditChain, eventHash } from '../src/index.js';
import { attackerConnection, chainWith } from './helpers.js';

const N = 50;

/**
 * The hash walk alone, as before signed heads: these cases show what hashes
 * can and cannot prove. The dropped triggers (and signed heads) are asserted
 * in 'the attacker's dropped triggers are reported' and signed-heads.test.ts.
 */
const HASHES_ONLY = { checkTriggers: false } as const;

interface Row {
  seq: number;
  event_id: string;
  ts: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

const rowAt = (raw: Database.Database, seq: number): Row =>
  raw.prepare('SELECT * FROM audit_events WHERE seq = ?').get(seq) as Row;

function rehash(raw: Database.Database, seq: number): string {
  const r = rowAt(raw, seq);
  const hash = eventHash(r.prev_hash, {
    seq,
    eventId: r.event_id,
    ts: r.ts,
    actor: r.actor,
    type: r.type,
    payloadJson: r.payload,
  });
  raw.prepare('UPDATE audit_events SET hash = ? WHERE seq = ?').run(hash, seq);
  return hash;
}

function setup(): { chain: AuditChain; raw: Database.Database; file: string } {
  const { chain, file } = chainWith(N);
  expect(chain.verify()).toMatchObject({ ok: true, count: N });
  return { chain, file, raw: attackerConnection(file) };
}

describe('verify against an attacker with file access (triggers dropped)', () => {
  it("the attacker's dropped triggers are reported (trigger_missing), an altered one too", () => {
    const { chain, raw } = setup();
    expect(chain.verify()).toMatchObject({ ok: false, reason: 'trigger_missing', brokenSeq: 0 });
    raw.exec(
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events WHEN 0 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: no'); END;`,
    );
    raw.exec(
      `CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE of audit rows is refused; record a new event instead'); END;`,
    );
    expect(chain.verify()).toMatchObject({
      ok: false,
      reason: 'trigger_altered',
      message: /audit_events_no_update/,
    });
    // a writable open puts the real trigger back and says so
    const reopened = new AuditChain(chain['db'] as never);
    expect(reopened.restoredTriggers).toEqual([{ name: 'audit_events_no_update', problem: 'altered' }]);
    expect(chain.verify()).toMatchObject({ ok: true, count: N });
  });

  it('edited payload → hash_mismatch at that seq', () => {
    const { chain, raw } = setup();
    raw.prepare(`UPDATE audit_events SET payload = '{"amount":"0.00"}' WHERE seq = 17`).run();
    const result = chain.verify();
    expect(result).toMatchObject({ ok: false, brokenSeq: 17, reason: 'hash_mismatch', count: 16 });
    expect(result.ok === false && result.message).toMatch(/seq 17/);
  });

  it.each(['actor', 'type', 'ts', 'event_id'])('edited %s → hash_mismatch at that seq', (column) => {
    const { chain, raw } = setup();
    raw.prepare(`UPDATE audit_events SET ${column} = ${column} || 'x' WHERE seq = 9`).run();
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 9, reason: 'hash_mismatch' });
  });

  it('a one-character payload edit that keeps it valid JSON is still caught', () => {
    const { chain, raw } = setup();
    raw
      .prepare(
        `UPDATE audit_events SET payload = replace(payload, '"amount":"3.25"', '"amount":"8.25"') WHERE seq = 3`,
      )
      .run();
    expect(rowAt(raw, 3).payload).toContain('8.25');
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 3, reason: 'hash_mismatch' });
  });

  it('deleted middle row → gap at that seq', () => {
    const { chain, raw } = setup();
    raw.prepare('DELETE FROM audit_events WHERE seq = 23').run();
    const result = chain.verify();
    expect(result).toMatchObject({ ok: false, brokenSeq: 23, reason: 'gap', count: 22 });
  });

  it('deleted first row → gap at seq 1', () => {
    const { chain, raw } = setup();
    raw.prepare('DELETE FROM audit_events WHERE seq = 1').run();
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 1, reason: 'gap', count: 0 });
  });

  it('swapped contents of two rows (re-order) → reorder at the first of them', () => {
    const { chain, raw } = setup();
    const a = rowAt(raw, 10);
    const b = rowAt(raw, 14);
    raw.transaction(() => {
      raw.prepare('DELETE FROM audit_events WHERE seq IN (10, 14)').run();
      const insert = raw.prepare(
        'INSERT INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (@seq, @event_id, @ts, @actor, @type, @payload, @prev_hash, @hash)',
      );
      insert.run({ ...b, seq: 10 });
      insert.run({ ...a, seq: 14 });
    })();
    const result = chain.verify();
    expect(result).toMatchObject({ ok: false, brokenSeq: 10, reason: 'reorder' });
    expect(result.ok === false && result.message).toMatch(/seq 13/);
  });

  it('swapped adjacent rows → reorder', () => {
    const { chain, raw } = setup();
    const a = rowAt(raw, 30);
    const b = rowAt(raw, 31);
    raw.transaction(() => {
      raw.prepare('DELETE FROM audit_events WHERE seq IN (30, 31)').run();
      const insert = raw.prepare(
        'INSERT INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (@seq, @event_id, @ts, @actor, @type, @payload, @prev_hash, @hash)',
      );
      insert.run({ ...b, seq: 30 });
      insert.run({ ...a, seq: 31 });
    })();
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 30, reason: 'reorder' });
  });

  it('renumbered rows (seq of two rows exchanged, contents kept) → detected', () => {
    const { chain, raw } = setup();
    raw.exec(
      'UPDATE audit_events SET seq = -5 WHERE seq = 5; UPDATE audit_events SET seq = 5 WHERE seq = 6; UPDATE audit_events SET seq = 6 WHERE seq = -5;',
    );
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 5 });
  });

  it('forged hash on an edited row (rest not recomputed) → prev_hash_mismatch at the next seq', () => {
    const { chain, raw } = setup();
    raw.prepare(`UPDATE audit_events SET payload = '{"amount":"999999.00"}' WHERE seq = 20`).run();
    rehash(raw, 20);
    const result = chain.verify();
    expect(result).toMatchObject({ ok: false, brokenSeq: 21, reason: 'prev_hash_mismatch', count: 20 });
  });

  it('a full rewrite from an edited row passes verify alone, but not verify({expectHead})', () => {
    const { chain, raw } = setup();
    const exported = chain.head()!;
    raw.prepare(`UPDATE audit_events SET payload = '{"amount":"1.00"}' WHERE seq = 40`).run();
    let prev = rowAt(raw, 39).hash;
    for (let seq = 40; seq <= N; seq++) {
      raw.prepare('UPDATE audit_events SET prev_hash = ? WHERE seq = ?').run(prev, seq);
      prev = rehash(raw, seq);
    }
    expect(chain.verify(HASHES_ONLY)).toMatchObject({ ok: true, count: N });
    expect(chain.verify({ expectHead: exported })).toMatchObject({
      ok: false,
      brokenSeq: N,
      reason: 'head_mismatch',
    });
  });

  it('truncated newest rows → verify alone is ok, verify({expectHead}) says truncated', () => {
    const { chain, raw } = setup();
    const exported = chain.head()!;
    raw.prepare('DELETE FROM audit_events WHERE seq > ?').run(N - 5);
    expect(chain.verify(HASHES_ONLY)).toMatchObject({ ok: true, count: N - 5, head: { seq: N - 5 } });
    const result = chain.verify({ expectHead: exported });
    expect(result).toMatchObject({ ok: false, brokenSeq: N - 4, reason: 'truncated', count: N - 5 });
    expect(result.ok === false && result.message).toMatch(/tail truncated/);
  });

  it('truncated tail hidden by new appends → head_mismatch at the exported seq', () => {
    const { chain, raw } = setup();
    const exported = chain.head()!;
    raw.prepare('DELETE FROM audit_events WHERE seq > ?').run(N - 3);
    for (let i = 0; i < 5; i++) chain.append({ type: 'cover', actor: 'attacker', payload: {} });
    expect(chain.verify(HASHES_ONLY)).toMatchObject({ ok: true, count: N + 2 });
    expect(chain.verify({ expectHead: exported })).toMatchObject({
      ok: false,
      brokenSeq: N,
      reason: 'head_mismatch',
    });
  });

  it('whole table emptied → truncated at seq 1 against the exported head', () => {
    const { chain, raw } = setup();
    const exported = chain.head()!;
    raw.exec('DELETE FROM audit_events');
    expect(chain.verify(HASHES_ONLY)).toEqual({ ok: true, count: 0, head: null });
    expect(chain.verify({ expectHead: exported })).toMatchObject({
      ok: false,
      brokenSeq: 1,
      reason: 'truncated',
    });
  });

  it('an exported head that is still intact passes, also after later appends', () => {
    const { chain } = chainWith(10);
    const exported = chain.head()!;
    chain.append({ type: 'later', actor: 'a', payload: {} });
    expect(chain.verify({ expectHead: exported })).toMatchObject({ ok: true, count: 11 });
  });

  it('a row forged before genesis (seq 0) → gap naming that seq', () => {
    const { chain, raw } = setup();
    const r = rowAt(raw, 1);
    raw
      .prepare(
        'INSERT INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES (0, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run('forged-0', r.ts, r.actor, r.type, r.payload, r.prev_hash, r.hash);
    const result = chain.verify();
    expect(result).toMatchObject({ ok: false, brokenSeq: 0, reason: 'gap' });
    expect(result.ok === false && result.message).toMatch(/must start at seq 1/);
  });

  it('a genesis row with a forged prev_hash → prev_hash_mismatch at seq 1', () => {
    const { chain, raw } = setup();
    raw.prepare(`UPDATE audit_events SET prev_hash = ? WHERE seq = 1`).run('f'.repeat(64));
    rehash(raw, 1);
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 1, reason: 'prev_hash_mismatch' });
  });

  it('a column turned into a BLOB or a number (storage-class tampering) → hash_mismatch, no crash', () => {
    const { chain, raw } = setup();
    raw.prepare(`UPDATE audit_events SET actor = CAST(actor AS BLOB) WHERE seq = 12`).run();
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 12, reason: 'hash_mismatch' });
    raw.prepare(`UPDATE audit_events SET actor = CAST(actor AS TEXT) WHERE seq = 12`).run();
    expect(chain.verify(HASHES_ONLY)).toMatchObject({ ok: true });
    raw.prepare(`UPDATE audit_events SET type = 7 WHERE seq = 8`).run();
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: 8, reason: 'hash_mismatch' });
  });

  it('upper-cased stored hash → detected (hashes are compared exactly)', () => {
    const { chain, raw } = setup();
    raw.prepare(`UPDATE audit_events SET hash = upper(hash) WHERE seq = ?`).run(N);
    expect(chain.verify()).toMatchObject({ ok: false, brokenSeq: N, reason: 'hash_mismatch' });
  });
});

describe('verify options', () => {
  it('rejects a malformed expectHead', () => {
    const { chain } = chainWith(2);
    for (const bad of [
      { seq: 0, hash: 'a'.repeat(64) },
      { seq: 1, hash: 'xyz' },
      { seq: 1.5, hash: 'a'.repeat(64) },
    ]) {
      expect(() => chain.verify({ expectHead: bad })).toThrow(
        expect.objectContaining({ code: 'AUDIT_INVALID_HEAD' }),
      );
    }
  });

  it('reports progress with increasing seqs, ending at the head', () => {
    const { chain } = chainWith(40_000);
    const seen: number[] = [];
    const result = chain.verify({ onProgress: (seq) => seen.push(seq) });
    expect(result).toMatchObject({ ok: true, count: 40_000 });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen.at(-1)).toBe(40_000);
  });

  it('verifies an empty chain as ok with a null head', () => {
    const { chain } = chainWith(0);
    expect(chain.verify()).toEqual({ ok: true, count: 0, head: null });
  });
});
