import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine } from '../src/index.js';
import { AUDIT_REF_INDEXES } from '../src/store/auditIndexes.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { fixedClock, tempDirsRemovedAfterAll } from './helpers.js';

/**
 * `audit verify` is read-only evidence for an auditor: a copy of a book an
 * older build left (schema before migration 9) verifies without being
 * migrated or otherwise written; a book from a newer build, or a file that is
 * not a closegate book, is refused with a clear error (exit 1), never passed.
 */

const tempDir = tempDirsRemovedAfterAll();
const CURRENT = MIGRATIONS[MIGRATIONS.length - 1]!.version;

async function verify(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: (t) => (err += `${t}\n`),
    env: { CLOSEGATE_POLICY: '' },
    stderrIsTty: false,
    cwd: process.cwd(),
  };
  const code = await main(['audit', 'verify', ...args], io);
  return { code, out, err };
}

/** A demo book after one recon pass, closed (the engine's last connection checkpoints its WAL). */
function demoBook(): { dir: string; db: string; pub: string } {
  const dir = tempDir();
  const db = path.join(dir, 'recon.db');
  const e = openEngine({ dbPath: db, now: fixedClock(), env: {} });
  const pub = path.join(dir, 'audit.pub');
  try {
    e.seedDemo();
    e.runReconPass();
    fs.writeFileSync(pub, e.context.store.audit.publicKeyPem!);
  } finally {
    e.close();
  }
  return { dir, db, pub };
}

/** The book as the build before migration 9 left it: no audit payload indexes, schema version 8. */
function rollBackMigration9(db: string): void {
  const raw = new Database(db);
  try {
    for (const name of Object.values(AUDIT_REF_INDEXES)) raw.exec(`DROP INDEX ${name}`);
    raw.prepare('DELETE FROM schema_migrations WHERE version >= 9').run();
  } finally {
    raw.close();
  }
}

/**
 * What must not change: the file's bytes and mtime, the files next to it, and
 * nothing in its WAL. (A read-only SQLite connection to a WAL-mode file in a
 * writable directory leaves an empty -wal and a -shm behind: SQLite's, not a
 * write to the book, so those two are compared by the WAL's size only.)
 */
function fingerprint(dir: string, db: string) {
  const wal = `${db}-wal`;
  return {
    sha256: crypto.createHash('sha256').update(fs.readFileSync(db)).digest('hex'),
    mtimeMs: fs.statSync(db).mtimeMs,
    walBytes: fs.existsSync(wal) ? fs.statSync(wal).size : 0,
    files: fs
      .readdirSync(dir)
      .filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))
      .sort(),
  };
}

const version = (db: string): number => {
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get() as number;
  } finally {
    raw.close();
  }
};

const auditIndexes = (db: string): string[] => {
  const raw = new Database(db, { readonly: true });
  try {
    const names = Object.values(AUDIT_REF_INDEXES) as string[];
    return (
      raw.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[]
    ).filter((n) => names.includes(n));
  } finally {
    raw.close();
  }
};

describe('audit verify on an older book: verified as it is, not migrated', () => {
  it('schema 8 (before the audit indexes) verifies OK and the file is left byte for byte', async () => {
    const { dir, db, pub } = demoBook();
    rollBackMigration9(db);
    expect(version(db)).toBe(8);
    const before = fingerprint(dir, db);

    const json = await verify(['--db', db, '--public-key', pub, '--json']);
    expect(json.code, json.out + json.err).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      ok: true,
      chain: { ok: true },
      signaturesChecked: true,
      schema: { version: 8, expected: CURRENT, ok: true, status: 'older' },
    });
    const text = await verify(['--db', db, '--public-key', pub, '--state']);
    expect(text.code, text.out + text.err).toBe(0);
    expect(text.out).toMatch(/^audit chain intact: /m);
    expect(text.out).toMatch(
      /schema version 8 is older than this build's \d+: verified as it is, not migrated/,
    );
    expect(text.out).toMatch(/^state agrees with \d+ events/m);

    expect(fingerprint(dir, db)).toEqual(before);
    expect(version(db)).toBe(8);
    expect(auditIndexes(db)).toEqual([]);
  });

  it('a tampered older book is still broken (exit 3): older is no pass for the chain', async () => {
    const { db, pub } = demoBook();
    rollBackMigration9(db);
    const raw = new Database(db);
    raw.exec('DROP TRIGGER audit_events_no_update');
    raw.close();
    const r = await verify(['--db', db, '--public-key', pub, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, reason: 'trigger_missing' });
  });
});

describe('audit verify refuses what this build cannot vouch for', () => {
  it('a book from a newer build (schema above this build) -> exit 1, a clear error, the file untouched', async () => {
    const { dir, db, pub } = demoBook();
    const raw = new Database(db);
    raw
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(CURRENT + 1, 'from a newer build', '2027-01-01T00:00:00.000Z');
    raw.close();
    const before = fingerprint(dir, db);
    for (const args of [[], ['--json']]) {
      const r = await verify(['--db', db, '--public-key', pub, ...args]);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toContain(
        `error SCHEMA_NEWER: ${db} has schema version ${CURRENT + 1}, newer than this build knows (${CURRENT})`,
      );
    }
    expect(fingerprint(dir, db)).toEqual(before);
  });

  it('a SQLite file that is not a closegate book -> exit 1, not a closegate book', async () => {
    const dir = tempDir();
    const other = path.join(dir, 'other.db');
    const raw = new Database(other);
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    raw.close();
    const r = await verify(['--db', other]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error NOT_A_BOOK: ${other} is not a closegate book`);
  });

  it("another application's migrations table (not versions 1..N) is not a closegate book", async () => {
    const dir = tempDir();
    const other = path.join(dir, 'app.db');
    const raw = new Database(other);
    raw.exec(
      `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
       CREATE TABLE audit_events (seq INTEGER PRIMARY KEY);
       INSERT INTO schema_migrations VALUES (20240101, 'init', 'x'), (20240315, 'more', 'y');`,
    );
    raw.close();
    const r = await verify(['--db', other]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `error NOT_A_BOOK: ${other} is not a closegate book (its schema_migrations records versions 20240101, 20240315, not closegate's 1..N)`,
    );
  });

  it('a book with a hole in its migrations (one version removed, a later one added) is not passed either', async () => {
    const { db } = demoBook();
    rollBackMigration9(db);
    const raw = new Database(db);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(CURRENT + 1, 'x', 'y');
    raw.close();
    const r = await verify(['--db', db]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`records versions 1..8, ${CURRENT + 1}, not closegate's 1..N`);
  });

  it('a file that is not SQLite at all -> exit 1, not a closegate book', async () => {
    const dir = tempDir();
    const text = path.join(dir, 'notes.db');
    fs.writeFileSync(text, 'just some text, long enough to look like a header '.repeat(4));
    const r = await verify(['--db', text]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`error NOT_A_BOOK: ${text} is not a closegate book`);
  });
});
