import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, ReconStore, schemaVersion } from '../src/index.js';
import { rewriteInChecks } from '../src/store/rebuildChecks.js';
import { tempDir } from './helpers.js';

/** A database as an older release left it: migrations up to `version` only, then filled by the engine of that time. */
function databaseAtVersion(file: string, version: number): void {
  const db = new Database(file);
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  for (const m of MIGRATIONS.filter((x) => x.version <= version)) {
    db.exec(m.sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      '2026-01-01T00:00:00.000Z',
    );
  }
  db.close();
}

describe('migration 4: CHECK lists without IN', () => {
  it('rewrites IN lists of quoted literals and leaves everything else alone', () => {
    expect(rewriteInChecks("state TEXT NOT NULL CHECK (state IN ('open', 'closed')),")).toBe(
      "state TEXT NOT NULL CHECK (state = 'open' OR state = 'closed'),",
    );
    const untouched = 'amount TEXT NOT NULL, CHECK (length(amount) > 0)';
    expect(rewriteInChecks(untouched)).toBe(untouched);
  });

  it('upgrades a version-3 database with data: rows, indexes and foreign keys kept, checks still enforced', () => {
    const file = path.join(tempDir(), 'old.db');
    databaseAtVersion(file, 3);
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    const now = '2026-01-01T00:00:00.000Z';
    const addEntry = old.prepare(
      `INSERT INTO entries (source, entity, account_code, posting_date, amount, currency, state, created_at)
       VALUES (?, 'US01', '1010', '2026-01-02', '10.00', 'USD', ?, ?)`,
    );
    addEntry.run('gl', 'matched', now);
    addEntry.run('bank', 'matched', now);
    addEntry.run('bank', 'exception', now);
    old
      .prepare(
        `INSERT INTO matches (type, state, proposed_by, source, score, amount_usd, fx_json, proposer_session, created_at, updated_at)
         VALUES ('exact', 'confirmed', 'engine:matcher', 'engine', '1.0000', '10.00', '[]', 's-1', ?, ?)`,
      )
      .run(now, now);
    old.exec('INSERT INTO match_lines VALUES (1, 1), (1, 2)');
    old
      .prepare(
        `INSERT INTO exceptions (entry_id, reason_code, raised_by, state, created_at) VALUES (3, 'NO_MATCH', 'engine:matcher', 'open', ?)`,
      )
      .run(now);
    old.close();

    const store = ReconStore.open(file);
    const db = store.db;
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    const ddl = db
      .prepare("SELECT group_concat(sql, ';') FROM sqlite_master WHERE type = 'table'")
      .pluck()
      .get();
    expect(ddl).not.toMatch(/\bIN\s*\('/i);
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries'")
      .pluck()
      .all();
    expect(indexes).toEqual(expect.arrayContaining(['entries_by_state_id', 'entries_by_book_date']));
    expect(store.entries.get(3)).toMatchObject({ source: 'bank', state: 'exception', amount: '10.00' });
    expect(store.matches.get(1)).toMatchObject({
      state: 'confirmed',
      proposerSession: 's-1',
      entryIds: [1, 2],
    });
    expect(store.exceptions.openFor(3)).toBeDefined();
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(() => db.prepare("UPDATE entries SET state = 'bogus' WHERE id = 1").run()).toThrow(/CHECK/);
    expect(() => db.prepare('INSERT INTO match_lines (match_id, entry_id) VALUES (1, 999)').run()).toThrow(
      /FOREIGN KEY/,
    );
    store.close();
  });
});

describe("a newer build's book", () => {
  it('is refused before anything is written: SCHEMA_NEWER, the file unchanged', () => {
    const file = path.join(tempDir(), 'newer.db');
    const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    databaseAtVersion(file, latest);
    const db = new Database(file);
    db.pragma('journal_mode = WAL'); // as every book the engine writes
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(latest + 1, 'from the future', 'x');
    db.close();
    const before = fs.readFileSync(file);
    expect(() => ReconStore.open(file)).toThrow(
      expect.objectContaining({ code: 'SCHEMA_NEWER', message: expect.stringContaining(`${latest + 1}`) }),
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
