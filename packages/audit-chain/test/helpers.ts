import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach } from 'vitest';
import { AuditChain, openSqlite } from '../src/index.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh private temp dir, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-chain-test-'));
  dirs.push(dir);
  return dir;
}

export interface Fixture {
  file: string;
  db: Database.Database;
  chain: AuditChain;
}

/** A database file holding `n` events (payloads carry amounts as strings). */
export function chainWith(n: number): Fixture {
  const file = path.join(tempDir(), 'audit.db');
  const db = openSqlite(file);
  const chain = new AuditChain(db);
  db.transaction(() => {
    for (let i = 1; i <= n; i++) {
      chain.append({
        type: i % 3 === 0 ? 'match.confirmed' : 'match.proposed',
        actor: i % 2 === 0 ? 'human:alice' : 'engine:matcher',
        payload: { matchId: `m-${i}`, amount: `${i}.25`, currency: 'USD', lines: [i, i + 1] },
        eventId: `evt-${i}`,
      });
    }
  }).immediate();
  return { file, db, chain };
}

/**
 * What an attacker with file access does first: a raw connection that drops
 * the append-only triggers.
 */
export function attackerConnection(file: string, table = 'audit_events'): Database.Database {
  const raw = new Database(file);
  raw.exec(`DROP TRIGGER IF EXISTS ${table}_no_update; DROP TRIGGER IF EXISTS ${table}_no_delete;`);
  return raw;
}
