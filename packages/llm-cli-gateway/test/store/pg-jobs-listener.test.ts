import { expect, it } from 'vitest';
import type { SchedulerLimits } from '../../src/jobs/scheduler.js';
import { ALICE } from '../helpers/gateway.js';
import { jobRequest } from '../helpers/jobs.js';
import { describePg, PG_ADMIN_URL, pgRows } from '../helpers/pg.js';
import { waitForAsync } from '../jobs/async-wait.js';
import { countingRunner, type PgInstance, usePgJobsDatabase } from './pg-jobs-helpers.js';

const limits: SchedulerLimits = { maxConcurrent: 4, perProvider: {}, maxQueue: 100, queueTimeoutMs: 60_000 };

/**
 * A long lease: the heartbeat (the flag check of last resort) comes only every
 * 20 s, so a cancel noticed within these tests was noticed by the listener.
 */
const LEASE_MS = 60_000;

/** Terminates the backend of one instance's LISTEN connection, as a server restart or a network cut would. */
async function killListener(url: string, i: PgInstance): Promise<number> {
  const rows = await pgRows<{ pid: number }>(
    PG_ADMIN_URL,
    `SELECT pid FROM pg_stat_activity
      WHERE datname = $1 AND application_name = $2`,
    [new URL(url).pathname.slice(1), `llm-cli-gateway jobs listener ${i.store.instanceId.slice(0, 8)}`],
  );
  for (const r of rows) await pgRows(PG_ADMIN_URL, 'SELECT pg_terminate_backend($1)', [r.pid]);
  return rows.length;
}

describePg('PostgreSQL job plane: the LISTEN connection', () => {
  const db = usePgJobsDatabase('llmgw_jobs_listen');

  const listening = (i: PgInstance) => waitForAsync(async () => i.store.listenerStats()?.connected === true);

  /** Instance A runs a job with its LISTEN connection up; B is another instance on the same database. */
  async function aRunsAJob(
    aOpts: { listenerBackoff?: { minMs: number; maxMs: number } } = {},
  ): Promise<{ a: PgInstance; b: PgInstance; id: string }> {
    const instance = (opts: typeof aOpts) =>
      db.instance(
        limits,
        countingRunner(new Map(), () => 120_000),
        { leaseMs: LEASE_MS, ...opts },
      );
    const a = instance(aOpts);
    const b = instance({});
    expect(await listening(a)).toBe(true);
    const { job } = await a.jobs.submit(ALICE, jobRequest('runs until canceled'));
    expect(job.state).toBe('running');
    return { a, b, id: job.id };
  }

  it('is re-established after its backend is terminated, and a cancel from another instance then arrives by notification', async () => {
    const { a, b, id } = await aRunsAJob();

    expect(await killListener(db.url, a)).toBe(1);
    expect(
      await waitForAsync(async () => {
        const s = a.store.listenerStats()!;
        return s.losses === 1 && s.reconnects === 1 && s.connected && a.jobs.reconnectChecks === 1;
      }, 10_000),
    ).toBe(true);
    expect(a.jobs.cancelsNoticed).toEqual({ byNotification: 0, byReconnectCheck: 0 });

    await b.store.requestCancel(ALICE.id, id);
    expect(
      await waitForAsync(async () => (await b.jobs.status(ALICE.id, id)).state === 'canceled', 10_000),
    ).toBe(true);
    expect(a.jobs.cancelsNoticed).toEqual({ byNotification: 1, byReconnectCheck: 0 });
  });

  it('a cancel sent while it is down is found by the re-check that follows the reconnect', async () => {
    // A slow first retry leaves time to cancel while nobody listens.
    const { a, b, id } = await aRunsAJob({ listenerBackoff: { minMs: 1500, maxMs: 1500 } });

    expect(await killListener(db.url, a)).toBe(1);
    expect(await waitForAsync(async () => a.store.listenerStats()!.connected === false)).toBe(true);
    await b.store.requestCancel(ALICE.id, id); // its NOTIFY reaches no one
    expect((await b.jobs.status(ALICE.id, id)).state).toBe('running');

    expect(
      await waitForAsync(async () => (await b.jobs.status(ALICE.id, id)).state === 'canceled', 10_000),
    ).toBe(true);
    expect(a.store.listenerStats()).toMatchObject({ reconnects: 1, connected: true });
    expect(a.jobs.reconnectChecks).toBe(1);
    expect(a.jobs.cancelsNoticed).toEqual({ byNotification: 0, byReconnectCheck: 1 });
  });

  it('stops reconnecting once the store is closed', async () => {
    const a = db.instance(
      limits,
      countingRunner(new Map(), () => 10),
      {
        leaseMs: LEASE_MS,
        listenerBackoff: { minMs: 200, maxMs: 200 },
      },
    );
    expect(await listening(a)).toBe(true);
    const name = `llm-cli-gateway jobs listener ${a.store.instanceId.slice(0, 8)}`;
    expect(await killListener(db.url, a)).toBe(1);
    expect(await waitForAsync(async () => a.store.listenerStats()!.connected === false)).toBe(true);
    await a.close();
    // Well past several retry delays: no connection of that listener came back.
    await new Promise((r) => setTimeout(r, 1000));
    const left = await pgRows<{ n: number }>(
      PG_ADMIN_URL,
      'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    expect(left[0]!.n).toBe(0);
    expect(a.store.listenerStats()).toBeUndefined();
  });
});
