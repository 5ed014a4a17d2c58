import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngine } from '../../src/index.js';
import { auditAccountingViolations } from '../../src/eval/state/accounting.js';
import { reconInvariantViolations } from '../../src/eval/state/invariants.js';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-worker.ts');
const SEEDS = Number(process.env.RELIABILITY_SEEDS ?? 50);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function killDelayMs(seed: number): number {
  // seeded, spread from "right after open" to "deep into the storms"
  const x = Math.sin(seed * 12.9898) * 43758.5453;
  return Math.floor((x - Math.floor(x)) * 1800);
}

/** Starts the worker, waits for "ready", SIGKILLs it after the seeded delay. */
async function runAndKill(dbPath: string, seed: number): Promise<{ delay: number; signal: string | null }> {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', WORKER, dbPath, String(seed)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<string | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    void exited.then(() => reject(new Error(`worker exited before ready: ${stderr.slice(-2000)}`)));
  });
  const delay = killDelayMs(seed);
  await new Promise((r) => setTimeout(r, delay));
  child.kill('SIGKILL');
  const signal = await exited;
  if (signal !== 'SIGKILL')
    throw new Error(`worker ended on its own (${String(signal)}): ${stderr.slice(-2000)}`);
  return { delay, signal };
}

describe(`crash injection (${SEEDS} seeds, SIGKILL at seeded points)`, () => {
  const template = path.join(dir, 'template.db');
  const seeded = openEngine({ dbPath: template });
  seeded.seedDemo();
  seeded.close();
  const tally = { seeds: 0, killedMidRun: 0, matches: 0, auditEvents: 0 };

  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: no partial state, chain verifies, one event per mutation, the sweeper surfaces the killed run`, async () => {
      const dbPath = path.join(dir, `seed-${seed}.db`);
      fs.copyFileSync(template, dbPath);
      await runAndKill(dbPath, seed);

      const raw = new Database(dbPath, { readonly: true });
      const running = raw
        .prepare("SELECT id FROM workflow_runs WHERE state = 'RUNNING'")
        .pluck()
        .all() as number[];
      raw.close();

      const engine = openEngine({ dbPath, heartbeatTimeoutMs: 0 });
      try {
        const db = engine.context.store.db;
        expect(engine.startupOrphans.map((r) => r.id).sort()).toEqual([...running].sort());
        expect(db.prepare("SELECT COUNT(*) FROM workflow_runs WHERE state = 'RUNNING'").pluck().get()).toBe(
          0,
        );
        expect(reconInvariantViolations(db)).toEqual([]);
        expect(engine.queries.verifyAudit().ok).toBe(true);
        expect(auditAccountingViolations(db)).toEqual([]);
        // the restarted engine keeps working
        const pass = engine.runReconPass();
        expect(pass.state).toBe('SUCCEEDED');
        expect(reconInvariantViolations(db)).toEqual([]);
        expect(auditAccountingViolations(db)).toEqual([]);
        expect(engine.queries.verifyAudit().ok).toBe(true);
        tally.seeds++;
        if (running.length > 0) tally.killedMidRun++;
        tally.matches += db.prepare('SELECT COUNT(*) FROM matches').pluck().get() as number;
        tally.auditEvents += db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;
      } finally {
        engine.close();
        fs.rmSync(dbPath, { force: true });
        fs.rmSync(`${dbPath}-wal`, { force: true });
        fs.rmSync(`${dbPath}-shm`, { force: true });
      }
    });
  }

  it('killed a meaningful share of runs mid-pass', () => {
    console.log(
      `crash injection: ${tally.seeds} seeds, ${tally.killedMidRun} killed inside a recon run (surfaced by the sweeper), ` +
        `${tally.matches} matches and ${tally.auditEvents} audit events checked`,
    );
    expect(tally.seeds).toBe(SEEDS);
    if (SEEDS >= 20) expect(tally.killedMidRun).toBeGreaterThan(0);
  });
});
