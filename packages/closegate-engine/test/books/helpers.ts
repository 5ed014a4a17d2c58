import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openEngine, type Engine, type OpenEngineOptions } from '../../src/engine.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A temp dir removed when the test file ends. */
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-books-'));
  dirs.push(d);
  return d;
}

export function fixedClock(start = '2026-04-02T12:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

/** A fresh, empty engine on a real SQLite file in a temp dir. */
export function emptyEngine(opts: Partial<OpenEngineOptions> = {}): Engine {
  return openEngine({ dbPath: path.join(tempDir(), 'recon.db'), now: fixedClock(), ...opts });
}

export const ENTRIES_HEADER =
  'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty';

/** A small books document (YAML) used across the tests. */
export const BOOKS_YAML = `version: 1
name: 'Test books'
entities:
  - { code: 'US01', name: 'Test Inc', currency: 'USD', time_zone: 'America/New_York' }
  - { code: 'DE01', name: 'Test GmbH', currency: 'EUR', time_zone: 'Europe/Berlin' }
accounts:
  - { entity: 'US01', code: '1010', name: 'Cash', type: 'asset' }
  - { entity: 'US01', code: '2000', name: 'Payables', type: 'liability' }
  - { entity: 'DE01', code: '1010', name: 'Bank EUR', type: 'asset' }
fx:
  max_staleness_days: 5
  rates:
    - { date: '2026-03-02', base: 'EUR', quote: 'USD', rate: '1.08', source: 'test' }
`;

/** Row counts and content of every table a books or import change may touch. */
export function tables(e: Engine): Record<string, unknown[]> {
  const db = e.context.store.db;
  const out: Record<string, unknown[]> = {};
  for (const t of [
    'entities',
    'accounts',
    'intercompany_rules',
    'fx_rates',
    'books_config',
    'entries',
    'escalations',
    'approval_votes',
    'import_files',
    'audit_events',
  ])
    out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all();
  return out;
}

let counter = 0;
export function key(prefix = 'k'): string {
  return `${prefix}-${++counter}`;
}
