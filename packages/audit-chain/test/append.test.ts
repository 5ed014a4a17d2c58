import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditChain, AuditChainError, GENESIS_HASH, openSqlite } from '../src/index.js';
import { chainWith, tempDir } from './helpers.js';

function freshChain(): { db: ReturnType<typeof openSqlite>; chain: AuditChain } {
  const db = openSqlite(path.join(tempDir(), 'a.db'));
  return { db, chain: new AuditChain(db) };
}

/** The README's recipe, re-implemented independently of the package. */
function readmeHash(
  prev: string,
  r: { seq: number; eventId: string; ts: string; actor: string; type: string },
  payloadJson: string,
): string {
  const text =
    `${prev}{"actor":${JSON.stringify(r.actor)},"event_id":${JSON.stringify(r.eventId)},` +
    `"payload":${payloadJson},"seq":${r.seq},"ts":${JSON.stringify(r.ts)},"type":${JSON.stringify(r.type)}}`;
  return crypto.createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

describe('AuditChain.append', () => {
  it('chains from the genesis value with seq 1, 2, 3 and the documented hash', () => {
    const { db, chain } = freshChain();
    expect(chain.head()).toBeNull();
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    const a = chain.append({
      type: 'gate.decision',
      actor: 'engine:autoconfirm',
      payload: { b: '2', a: 'x"y' },
    });
    const b = chain.append({
      type: 'match.confirmed',
      actor: 'human:alice',
      payload: {},
      ts: '2026-01-31T23:59:59+09:00',
      eventId: 'evt-2',
    });
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(a.hash).toBe(readmeHash(GENESIS_HASH, a, '{"a":"x\\"y","b":"2"}'));
    expect(b.hash).toBe(readmeHash(a.hash, b, '{}'));
    expect(b.ts).toBe('2026-01-31T14:59:59.000Z');
    expect(chain.head()).toEqual({ seq: 2, hash: b.hash });
    const stored = db.prepare('SELECT payload FROM audit_events WHERE seq = 1').pluck().get();
    expect(stored).toBe('{"a":"x\\"y","b":"2"}');
    expect(chain.count()).toBe(2);
  });

  it('defaults ts to now (UTC ISO) and eventId to a time-ordered UUIDv7', () => {
    const { chain } = freshChain();
    const before = Date.now();
    const r = chain.append({ type: 't', actor: 'a', payload: {} });
    expect(r.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(r.ts)).toBeGreaterThanOrEqual(before - 1);
    expect(r.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(r.eventId.replace('-', '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    const later = chain.append({ type: 't', actor: 'a', payload: {} });
    expect(later.eventId > r.eventId).toBe(true);
  });

  it('a rolled-back savepoint inside a caller transaction leaves no hole: the head is re-read', () => {
    const { db, chain } = freshChain();
    const other = new AuditChain(db); // a second instance on the same connection and table
    const nested = db.transaction(() => {
      chain.append({ type: 'nested', actor: 'a', payload: {} });
      throw new Error('roll back the savepoint');
    });
    db.transaction(() => {
      expect(chain.append({ type: 't', actor: 'a', payload: {} }).seq).toBe(1);
      expect(() => nested()).toThrow(/savepoint/);
      expect(chain.append({ type: 't', actor: 'a', payload: {} }).seq).toBe(2);
      expect(other.append({ type: 't', actor: 'b', payload: {} }).seq).toBe(3);
      expect(chain.append({ type: 't', actor: 'a', payload: {} }).seq).toBe(4);
    }).immediate();
    expect(chain.verify()).toMatchObject({ ok: true, count: 4 });
    expect(chain.query({ type: 'nested' })).toEqual([]);
  });

  it('returns the payload as stored (canonical), amounts still strings', () => {
    const { chain } = freshChain();
    const r = chain.append({ type: 't', actor: 'a', payload: { amount: '0.10', skipped: undefined } });
    expect(r.payload).toEqual({ amount: '0.10' });
    expect(chain.query({})[0]!.payload).toEqual({ amount: '0.10' });
  });

  it('appendReturningHead stores the same chained row and returns only the new head', () => {
    const { db, chain } = freshChain();
    const full = chain.append({ type: 't', actor: 'a', payload: { amount: '1.50' } });
    const head = chain.appendReturningHead({ type: 't', actor: 'b', payload: { amount: '2.50' } });
    expect(head).toEqual(chain.head());
    expect(head.seq).toBe(2);
    const row = db.prepare('SELECT * FROM audit_events WHERE seq = 2').get() as Record<string, string>;
    expect(row.prev_hash).toBe(full.hash);
    expect(head.hash).toBe(
      readmeHash(
        full.hash,
        { seq: 2, eventId: row.event_id!, ts: row.ts!, actor: 'b', type: 't' },
        row.payload!,
      ),
    );
    expect(chain.verify()).toMatchObject({ ok: true, count: 2 });
    const ro = new AuditChain(openSqlite(db.name, { readonly: true }));
    expect(() => ro.appendReturningHead({ type: 't', actor: 'a', payload: {} })).toThrow(
      expect.objectContaining({ code: 'AUDIT_READONLY' }),
    );
  });

  it('atomicity: an append inside a caller transaction that then throws leaves no audit row', () => {
    const { db, chain } = freshChain();
    db.exec('CREATE TABLE state (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    const operation = db.transaction((fail: boolean) => {
      db.prepare('INSERT INTO state (v) VALUES (?)').run('changed');
      chain.append({ type: 'match.confirmed', actor: 'human:bob', payload: { matchId: 'm-1' } });
      if (fail) throw new Error('injected failure after the state change, before commit');
    });
    expect(() => operation.immediate(true)).toThrow(/injected/);
    expect(chain.count()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM state').pluck().get()).toBe(0);
    operation.immediate(false);
    expect(chain.count()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM state').pluck().get()).toBe(1);
    expect(chain.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('outside a transaction it commits on its own (visible to another connection)', () => {
    const { db, chain } = freshChain();
    chain.append({ type: 't', actor: 'a', payload: {} });
    expect(db.inTransaction).toBe(false);
    const other = new AuditChain(openSqlite(db.name));
    expect(other.count()).toBe(1);
  });

  it('refuses a duplicate eventId with a typed error and keeps the chain intact', () => {
    const { chain } = freshChain();
    chain.append({ type: 't', actor: 'a', payload: {}, eventId: 'call-1' });
    expect(() => chain.append({ type: 't', actor: 'a', payload: {}, eventId: 'call-1' })).toThrow(
      expect.objectContaining({ code: 'AUDIT_DUPLICATE_EVENT_ID' }),
    );
    expect(chain.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it.each([
    ['empty type', { type: '', actor: 'a', payload: {} }],
    ['control char in actor', { type: 't', actor: 'human:\nalice', payload: {} }],
    ['lone surrogate in actor', { type: 't', actor: 'human:\ud800', payload: {} }],
    ['padded actor', { type: 't', actor: ' human:alice', payload: {} }],
    ['array payload', { type: 't', actor: 'a', payload: [] }],
    ['null payload', { type: 't', actor: 'a', payload: null }],
    ['float in payload', { type: 't', actor: 'a', payload: { amount: 12.5 } }],
    ['non-ISO ts', { type: 't', actor: 'a', payload: {}, ts: 'Jan 1 2026' }],
    ['impossible date', { type: 't', actor: 'a', payload: {}, ts: '2026-02-30T00:00:00Z' }],
    ['ts without zone', { type: 't', actor: 'a', payload: {}, ts: '2026-01-01T00:00:00' }],
    ['eventId with space', { type: 't', actor: 'a', payload: {}, eventId: 'a b' }],
  ])('rejects %s with AUDIT_INVALID_EVENT and writes nothing', (_label, event) => {
    const { chain } = freshChain();
    let caught: unknown;
    try {
      chain.append(event as never);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AuditChainError);
    expect(caught).toMatchObject({ code: 'AUDIT_INVALID_EVENT' });
    expect(chain.count()).toBe(0);
  });

  it('checks each label against its own field: remembered actors and types are never checked looser', () => {
    const { chain } = freshChain();
    const long = `human:${'a'.repeat(194)}`; // 200 characters: an actor may have 256, a type 128
    chain.append({ type: 't', actor: long, payload: {} });
    chain.append({ type: 't', actor: long, payload: {} });
    expect(() => chain.append({ type: long, actor: 'a', payload: {} })).toThrow(
      expect.objectContaining({ code: 'AUDIT_INVALID_EVENT' }),
    );
    for (let i = 0; i < 2; i++)
      expect(() => chain.append({ type: 't', actor: 'human:\nalice', payload: {} })).toThrow(
        expect.objectContaining({ code: 'AUDIT_INVALID_EVENT' }),
      );
    expect(chain.count()).toBe(2);
  });

  it('validates the table name before it reaches SQL', () => {
    const db = openSqlite(':memory:');
    for (const table of ['x; DROP TABLE y', '1abc', 'sqlite_master', '', 'a"b']) {
      expect(() => new AuditChain(db, { table })).toThrow(
        expect.objectContaining({ code: 'AUDIT_INVALID_TABLE' }),
      );
    }
    const custom = new AuditChain(db, { table: 'gateway_decisions' });
    custom.append({ type: 'approval.decided', actor: 'human:alice', payload: { approved: true } });
    expect(custom.verify()).toMatchObject({ ok: true, count: 1 });
  });

  it('refuses to adopt an unrelated table that happens to have the same name', () => {
    const db = openSqlite(':memory:');
    db.exec('CREATE TABLE audit_events (id INTEGER PRIMARY KEY, note TEXT)');
    expect(() => new AuditChain(db)).toThrow(expect.objectContaining({ code: 'AUDIT_INVALID_TABLE' }));
  });

  it('keeps two tables in one database as independent chains', () => {
    const db = openSqlite(':memory:');
    const a = new AuditChain(db, { table: 'chain_a' });
    const b = new AuditChain(db, { table: 'chain_b' });
    a.append({ type: 't', actor: 'x', payload: {} });
    expect(b.head()).toBeNull();
    expect(b.append({ type: 't', actor: 'x', payload: {} }).seq).toBe(1);
  });

  it('verifies 1000 events appended in one transaction', () => {
    const { chain } = chainWith(1000);
    const result = chain.verify();
    expect(result).toEqual({ ok: true, count: 1000, head: chain.head() });
  });
});
