import { describe, expect, it } from 'vitest';
import { InjectedFaultError, type Engine, type ReconPassResult } from '../src/index.js';
import { demoEngine } from './helpers.js';

/**
 * A pass finishes its run inside the last batch's transaction. Whatever
 * fails, and wherever, the stored run and its single RECON_RUN_* event must
 * agree with what the pass reports.
 */
function finishEvents(e: Engine, runId: number): { type: string; payload: Record<string, unknown> }[] {
  return e.queries
    .auditQuery({ limit: 1000 })
    .filter((r) => r.type.startsWith('RECON_RUN_') && r.type !== 'RECON_RUN_STARTED')
    .filter((r) => r.payload.runId === runId);
}

function expectOneFinish(e: Engine, pass: ReconPassResult): void {
  const stored = e.context.store.runs.get(pass.runId)!;
  expect(stored.state).toBe(pass.state);
  const events = finishEvents(e, pass.runId);
  expect(events.map((x) => x.type)).toEqual([`RECON_RUN_${pass.state}`]);
  expect(events[0]!.payload.autoConfirmed).toBe(pass.autoConfirmed.length);
  expect(events[0]!.payload.exceptions).toBe(pass.exceptions.length);
  expect(e.queries.verifyAudit().ok).toBe(true);
}

describe('recon pass finish', () => {
  it('a clean pass records one RECON_RUN_SUCCEEDED with its tallies', () => {
    const e = demoEngine();
    const pass = e.runReconPass();
    expect(pass.state).toBe('SUCCEEDED');
    expect(pass.autoConfirmed.length).toBeGreaterThan(0);
    expectOneFinish(e, pass);
    e.close();
  });

  it('an error after the last batch committed (a throwing progress callback) leaves the run finished once', () => {
    const e = demoEngine();
    const pass = e.runReconPass({
      onProgress: (p) => {
        if (p.stage === 'exceptions' && p.done === p.total) throw new Error('progress display died');
      },
    });
    expect(pass.state).toBe('SUCCEEDED');
    expect(pass.error).toBe('progress display died');
    expectOneFinish(e, pass);
    e.close();
  });

  it('an error between batches fails the run once and keeps the batches already committed', () => {
    const e = demoEngine();
    let batches = 0;
    const pass = e.runReconPass({
      batchSize: 5,
      onProgress: (p) => {
        if (p.stage === 'apply' && ++batches === 2) throw new Error('stop after two batches');
      },
    });
    expect(pass.state).toBe('FAILED');
    expect(pass.autoConfirmed.length + pass.escalated.length + pass.denied.length).toBe(10);
    expectOneFinish(e, pass);
    expect(e.context.store.db.prepare('SELECT count(*) FROM dead_letters').pluck().get()).toBe(1);
    e.close();
  });

  it('a fault inside the last batch rolls its work and its finish back, then fails the run once', () => {
    let armed = false;
    const e = demoEngine({
      faultInjector: () => {
        if (armed) throw new InjectedFaultError('last batch');
      },
    });
    const before = e.context.store.db.prepare('SELECT count(*) FROM matches').pluck().get();
    armed = true;
    const pass = e.runReconPass(); // the demo pack is one batch
    armed = false;
    expect(pass.state).toBe('FAILED');
    expect(pass.autoConfirmed).toHaveLength(0);
    expect(e.context.store.db.prepare('SELECT count(*) FROM matches').pluck().get()).toBe(before);
    expectOneFinish(e, pass);
    e.close();
  });
});
