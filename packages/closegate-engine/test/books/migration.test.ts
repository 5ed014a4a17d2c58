import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/store/migrations.js';
import { ReconStore } from '../../src/store/index.js';
import { tempDir } from './helpers.js';

/** A database left by the release before books.yaml: migrations 1-4 applied, with data. */
function version4(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
  );
  for (const m of MIGRATIONS.filter((x) => x.version <= 4)) {
    db.exec(m.sql);
    m.apply?.(db);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      '2026-01-01T00:00:00Z',
    );
  }
  const now = '2026-01-01T00:00:00.000Z';
  db.prepare(
    `INSERT INTO escalations (action, subject_kind, subject_id, requested_by, code, clause_text,
    clause_pointer, policy_version, tier, state, created_at) VALUES ('close_period', 'period', 'US01|2026-03',
    'human:alice', 'T3_DUAL_APPROVAL_REQUIRED', 'text', '/rules/x', 'v', 'T3', 'open', ?)`,
  ).run(now);
  db.prepare("INSERT INTO approval_votes VALUES (1, 'human:bob', 'approve', '', ?)").run(now);
  db.prepare("INSERT INTO fx_rates VALUES ('JPY', 'USD', '0.0065', '2026-01-01')").run();
  db.exec("INSERT INTO entities VALUES ('US01', 'Inc', 'USD', 'America/New_York')");
  db.exec("INSERT INTO accounts VALUES ('US01', '1010', 'Cash', 'normal')");
  db.close();
}

describe('migration 5 (books set-up)', () => {
  it('upgrades a version-4 database with data and allows import escalations, nothing else', () => {
    const file = path.join(tempDir(), 'v4.db');
    version4(file);
    const store = ReconStore.open(file);
    try {
      expect(schemaVersion(store.db)).toBeGreaterThanOrEqual(5);
      expect(store.escalations.get(1)).toMatchObject({
        subjectKind: 'period',
        votes: [{ actor: 'human:bob' }],
      });
      expect(store.config.rateAt('JPY', 'USD', '2026-01-01')).toEqual({
        base: 'JPY',
        quote: 'USD',
        rate: '0.0065',
        asOf: '2026-01-01',
        source: '',
      });
      expect(store.entities.typedAccounts()).toEqual([
        { entity: 'US01', code: '1010', name: 'Cash', sensitivity: 'normal', type: '' },
      ]);
      const add = (kind: string) =>
        store.db
          .prepare(
            `INSERT INTO escalations (action, subject_kind, subject_id, requested_by, code, clause_text,
            clause_pointer, policy_version, tier, state, created_at) VALUES ('post_entry', ?, '1', 'human:a', '', '', '', 'v', 'T3', 'open', 'now')`,
          )
          .run(kind);
      expect(() => add('import')).not.toThrow();
      expect(() => add('bogus')).toThrow(/CHECK constraint/);
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      // idempotent: nothing left to apply
      expect(migrate(store.db)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
