import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditChain, isAppendOnlyViolation, openSqlite } from '../src/index.js';
import { attackerConnection, chainWith } from './helpers.js';

describe('append-only triggers', () => {
  it('refuse UPDATE with a clear message, through the owning connection', () => {
    const { db } = chainWith(3);
    let caught: unknown;
    try {
      db.prepare(`UPDATE audit_events SET payload = '{}' WHERE seq = 2`).run();
    } catch (err) {
      caught = err;
    }
    expect((caught as Error).message).toBe(
      'audit_events is append-only: UPDATE of audit rows is refused; record a new event instead',
    );
    expect(isAppendOnlyViolation(caught)).toBe(true);
  });

  it('refuse DELETE, including a bulk delete, from a separate raw connection', () => {
    const { file, chain } = chainWith(3);
    const raw = new Database(file);
    expect(() => raw.prepare('DELETE FROM audit_events WHERE seq = 3').run()).toThrow(
      /audit_events is append-only: DELETE of audit rows is refused/,
    );
    expect(() => raw.exec('DELETE FROM audit_events')).toThrow(/append-only/);
    expect(chain.count()).toBe(3);
    raw.close();
  });

  it('refuse INSERT OR REPLACE over an existing row (a delete in disguise)', () => {
    const { db } = chainWith(2);
    const row = db.prepare('SELECT * FROM audit_events WHERE seq = 1').get() as Record<string, unknown>;
    // REPLACE deletes the conflicting row; with recursive triggers on, the DELETE trigger fires.
    db.pragma('recursive_triggers = ON');
    expect(() =>
      db
        .prepare(
          `INSERT OR REPLACE INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash)
           VALUES (1, 'forged', @ts, @actor, @type, '{"forged":true}', @prev_hash, @hash)`,
        )
        .run(row),
    ).toThrow(/append-only/);
  });

  it.each([
    ['the same seq', `(2, 'fresh-id', @ts, @actor, @type, '{"forged":true}', @prev_hash, @hash)`],
    ['the same event_id', `(99, 'evt-2', @ts, @actor, @type, '{"forged":true}', @prev_hash, @hash)`],
  ])(
    'refuse INSERT OR REPLACE over %s with recursive_triggers off (SQLite then skips DELETE triggers)',
    (_l, values) => {
      const { db, chain } = chainWith(3);
      expect(db.pragma('recursive_triggers', { simple: true })).toBe(0);
      const row = db.prepare('SELECT * FROM audit_events WHERE seq = 2').get() as Record<string, unknown>;
      expect(() =>
        db
          .prepare(
            `INSERT OR REPLACE INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES ${values}`,
          )
          .run(row),
      ).toThrow(/append-only: REPLACE/);
      expect(chain.verify()).toMatchObject({ ok: true, count: 3 });
    },
  );

  it('are restored when the chain is opened again after an attacker dropped them', () => {
    const { file } = chainWith(2);
    attackerConnection(file).close();
    const db = openSqlite(file);
    new AuditChain(db);
    expect(() => db.exec('DELETE FROM audit_events')).toThrow(/append-only/);
  });

  it('isAppendOnlyViolation is false for unrelated errors', () => {
    expect(isAppendOnlyViolation(new Error('UNIQUE constraint failed'))).toBe(false);
    expect(isAppendOnlyViolation('append-only')).toBe(false);
  });
});
