import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEngine, ReconStore } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('recovery sweeper', () => {
  it('marks RUNNING runs whose heartbeat expired as ORPHANED at start-up, audits and lists them; live runs are untouched', () => {
    const file = path.join(tempDir(), 'recon.db');
    const store = ReconStore.open(file);
    const stale = store.runs.start('recon_pass', 'host-a:4242', 'engine:matcher', '2026-04-01T10:00:00.000Z');
    const live = store.runs.start('recon_pass', 'host-b:7', 'engine:matcher', '2026-04-01T11:59:30.000Z');
    const done = store.runs.start('recon_pass', 'host-c:9', 'engine:matcher', '2026-04-01T09:00:00.000Z');
    store.runs.finish(done, 'SUCCEEDED', {}, null, '2026-04-01T09:01:00.000Z');
    store.close();

    const e = openEngine({
      dbPath: file,
      now: () => new Date('2026-04-01T12:00:00.000Z'),
      heartbeatTimeoutMs: 60_000,
    });
    expect(e.startupOrphans.map((r) => r.id)).toEqual([stale]);
    expect(e.startupOrphans[0]).toMatchObject({ state: 'ORPHANED', owner: 'host-a:4242' });
    expect(e.context.store.runs.get(live)!.state).toBe('RUNNING');
    expect(e.context.store.runs.get(done)!.state).toBe('SUCCEEDED');
    const events = e.queries.auditQuery({ type: 'RUN_ORPHANED' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: 'engine:sweeper', payload: { runId: stale } });
    // a second sweep finds nothing new
    expect(e.sweep()).toEqual([]);
    e.close();
  });

  it('also orphans a run whose owner process on this host is gone, even with a fresh heartbeat', () => {
    const file = path.join(tempDir(), 'recon.db');
    const store = ReconStore.open(file);
    const dead = store.runs.start(
      'recon_pass',
      `${hostname()}:2147483646`,
      'engine:matcher',
      '2026-04-01T11:59:59.000Z',
    );
    const mine = store.runs.start(
      'recon_pass',
      `${hostname()}:${process.pid}`,
      'engine:matcher',
      '2026-04-01T11:59:59.000Z',
    );
    store.close();
    const e = openEngine({ dbPath: file, now: () => new Date('2026-04-01T12:00:00.000Z') });
    expect(e.startupOrphans.map((r) => r.id)).toEqual([dead]);
    expect(e.queries.auditQuery({ type: 'RUN_ORPHANED' })[0]!.payload).toMatchObject({
      runId: dead,
      reason: 'owner_gone',
    });
    expect(e.context.store.runs.get(mine)!.state).toBe('RUNNING');
    e.close();
  });
});
