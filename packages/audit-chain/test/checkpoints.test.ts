import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditChain, openSqlite, startBackgroundCheckpoints } from '../src/index.js';
import { tempDir } from './helpers.js';

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('startBackgroundCheckpoints', () => {
  it('copies the WAL into the database from a worker while the writer only commits', async () => {
    const file = path.join(tempDir(), 'a.db');
    const db = openSqlite(file);
    const chain = new AuditChain(db);
    const bg = startBackgroundCheckpoints(db, { everyMs: 10, backstopPages: 50_000 });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(50_000);
    const runsBefore = bg.stats().runs;
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) chain.append({ type: 'T', actor: 'engine:test', payload: { i } });
    })();
    await until(() => {
      const s = bg.stats();
      return s.runs > runsBefore && s.lastLogFrames > 0 && s.lastCheckpointedFrames === s.lastLogFrames;
    });
    expect(bg.stats().lastError).toBeUndefined();
    await bg.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // the checkpointed pages hold the data: a reader still sees every event, and the chain verifies
    expect(chain.verify()).toMatchObject({ ok: true, count: 2000 });
    db.close();
  });

  it('stops: no more runs after stop, and stop is idempotent', async () => {
    const file = path.join(tempDir(), 'a.db');
    const db = openSqlite(file);
    new AuditChain(db).append({ type: 'T', actor: 'engine:test', payload: {} });
    const bg = startBackgroundCheckpoints(db, { everyMs: 5 });
    await until(() => bg.stats().runs > 0);
    await Promise.all([bg.stop(), bg.stop()]);
    const runs = bg.stats().runs;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(bg.stats().runs).toBe(runs);
    db.close();
  });

  it('refuses what it cannot serve: memory, read-only, rollback journal, bad numbers', () => {
    const file = path.join(tempDir(), 'a.db');
    const db = openSqlite(file);
    new AuditChain(db).append({ type: 'T', actor: 'engine:test', payload: {} });
    expect(() => startBackgroundCheckpoints(openSqlite(':memory:'))).toThrow(/WAL mode/);
    const ro = openSqlite(file, { readonly: true });
    expect(() => startBackgroundCheckpoints(ro)).toThrow(/writable file database/);
    ro.close();
    expect(() => startBackgroundCheckpoints(db, { everyMs: 0 })).toThrow(RangeError);
    expect(() => startBackgroundCheckpoints(db, { backstopPages: 1.5 })).toThrow(RangeError);
    const plain = new Database(path.join(tempDir(), 'b.db'));
    expect(() => startBackgroundCheckpoints(plain)).toThrow(/WAL mode/);
    plain.close();
    db.close();
  });
});
