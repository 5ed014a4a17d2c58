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
