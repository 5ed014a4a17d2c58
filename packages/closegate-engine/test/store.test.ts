import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, ReconStore, schemaVersion } from '../src/index.js';
import { demoEngine, tempDir } from './helpers.js';

describe('recon store', () => {
  it('creates the database 0600 in WAL mode and records every migration once', () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'recon.db');
    const store = ReconStore.open(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(schemaVersion(store.db)).toBe(MIGRATIONS.at(-1)!.version);
    store.close();
    const again = ReconStore.open(file);
    const rows = again.db.prepare('SELECT version FROM schema_migrations').all();
    expect(rows).toHaveLength(MIGRATIONS.length);
    again.close();
  });

  it('stores amounts as TEXT, never REAL', () => {
    const e = demoEngine();
    const types = e.context.store.db.prepare('SELECT DISTINCT typeof(amount) AS t FROM entries').all() as {
      t: string;
    }[];
    expect(types).toEqual([{ t: 'text' }]);
    const cols = e.context.store.db
      .prepare("SELECT name, type FROM pragma_table_info('matches') WHERE name = 'amount_usd'")
      .get();
    expect(cols).toEqual({ name: 'amount_usd', type: 'TEXT' });
    e.close();
  });

  it('keeps statement journals in memory, and a multi-row audit INSERT refused mid-statement leaves none of its rows', () => {
    const dir = tempDir();
    const store = ReconStore.open(path.join(dir, 'recon.db'));
    expect(store.db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY
    // rows of ~8 KB: one 16-row statement journals far more than the 64 KiB SQLite keeps in memory by default
    const big = 'x'.repeat(8_000);
    const before = store.audit.count();
    store.tx(() => {
      const batch = store.audit.batch();
      for (let i = 0; i < 40; i++) batch.add({ type: 'BENCH', actor: 'engine:test', payload: { i, big } });
      batch.flush();
      const head = store.audit.head()!;
      const row = (seq: number) => [
        seq,
        `id-${seq}`,
        '2026-01-31T00:00:00.000Z',
        'engine:test',
        'BENCH',
        `{"big":"${big}"}`,
        'p',
        'h',
      ];
      // 15 new rows, then one over an existing seq: the append-only trigger aborts the statement
      const values = [...Array.from({ length: 15 }, (_, k) => row(head.seq + 1 + k)), row(1)].flat();
      const insert = store.db.prepare(
        `INSERT INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES ${Array(16).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      );
      expect(() => insert.run(values)).toThrow(/append-only|refused/i);
      expect(store.audit.count()).toBe(before + 40);
    });
    expect(store.audit.count()).toBe(before + 40);
    expect(store.audit.verify().ok).toBe(true);
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('audit triggers refuse UPDATE and DELETE through the engine connection', () => {
    const e = demoEngine();
    const db = e.context.store.db;
    expect(() => db.prepare("UPDATE audit_events SET actor = 'human:mallory' WHERE seq = 1").run()).toThrow(
      /append-only|refused/i,
    );
    expect(() => db.prepare('DELETE FROM audit_events WHERE seq = 1').run()).toThrow(/append-only|refused/i);
    expect(e.queries.verifyAudit().ok).toBe(true);
    e.close();
  });
});
