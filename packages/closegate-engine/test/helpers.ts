import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openEngine, type Engine, type OpenEngineOptions } from '../src/index.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-engine-'));
}

/** For one test file (call at module level): a tempDir maker whose dirs are removed after its tests. */
export function tempDirsRemovedAfterAll(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  };
}

/** The policy example shipped with closegate-policy. */
export const EXAMPLE_POLICY = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../closegate-policy/examples/policy.yaml',
);

/** A fixed, advancing clock so tests never depend on wall time. */
export function fixedClock(start = '2026-04-02T12:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}

export function openTestEngine(opts: Partial<OpenEngineOptions> = {}): Engine {
  return openEngine({ dbPath: path.join(tempDir(), 'recon.db'), now: fixedClock(), ...opts });
}

/** A seeded demo engine (no recon pass yet). */
export function demoEngine(opts: Partial<OpenEngineOptions> = {}): Engine {
  const e = openTestEngine(opts);
  e.seedDemo();
  return e;
}

/** Row counts of every mutable table plus the audit chain: a snapshot to prove "nothing changed". */
export function snapshot(e: Engine): Record<string, unknown> {
  const db = e.context.store.db;
  const tables = [
    'entries',
    'matches',
    'match_lines',
    'escalations',
    'approval_votes',
    'exceptions',
    'periods',
    'workflow_runs',
    'idempotency_keys',
    'audit_events',
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all();
  return out;
}

let counter = 0;
export function key(prefix = 'k'): string {
  return `${prefix}-${++counter}`;
}

/** Marks US01 2026-03 closed (by human:cfo on 2026-04-05), as a finished month-end leaves it. */
export function closeMarch(e: Engine): void {
  e.context.store.periods.set({
    entity: 'US01',
    period: '2026-03',
    state: 'closed',
    closedBy: 'human:cfo',
    closedAt: '2026-04-05T00:00:00Z',
  });
}

/** One GL row dated inside US01 2026-03: an import that posts into that period. */
export const LATE_CSV =
  'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty\r\n' +
  'gl,US01,1010,2026-03-15,10.00,USD,LATE-1,late accrual,\r\n';
