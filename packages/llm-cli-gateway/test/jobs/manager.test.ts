import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobError, SaturatedError } from '../../src/jobs/errors.js';
import { JobManager, type JobRunner } from '../../src/jobs/manager.js';
import { SlotScheduler } from '../../src/jobs/scheduler.js';
import { SqliteJobStore } from '../../src/jobs/sqlite-store.js';
import { pidAlive, waitFor } from '../helpers/env.js';
import { waitForAsync } from './async-wait.js';
import { ALICE, BOB, testGateway } from '../helpers/gateway.js';
import { jobRequest, okResult } from '../helpers/jobs.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const limits = { maxConcurrent: 2, perProvider: {}, maxQueue: 4, queueTimeoutMs: 10_000 };

function setup(extraEnv: Record<string, string> = {}, run?: JobRunner, schedulerLimits = limits) {
  const gw = testGateway(extraEnv);
  const store = new SqliteJobStore(join(gw.dir, 'jobs.db'), { leaseMs: 1000 });
  const manager = new JobManager({
    store,
    scheduler: new SlotScheduler(schedulerLimits),
    run: run ?? ((caller, req, hooks) => gw.gateway.service.run(caller, req, hooks)),
    dedupWindowMs: 60_000,
    leaseMs: 1000,
    killGraceMs: 300,
    secrets: ['sup3r-secret-value'],
  });
  manager.start();
  cleanups.push(async () => {
    await manager.close();
    await store.close();
    gw.cleanup();
  });
  return { manager, store, gw };
}

const req = jobRequest;

async function settled(manager: JobManager, owner: string, id: string) {
  await waitForAsync(
    async () => !['queued', 'running'].includes((await manager.status(owner, id)).state),
    15_000,
  );
  return await manager.status(owner, id);
}

describe('JobManager', () => {
  it('runs a job through the core service to completion', async () => {
    const { manager } = setup();
    const { job, deduplicated } = await manager.submit(ALICE, req('hello jobs'));
    expect(deduplicated).toBe(false);
    expect(job.state).toBe('queued');
    const done = await settled(manager, ALICE.id, job.id);
    expect(done.state).toBe('completed');
    expect(done.result?.reply).toContain('fake claude reply');
    expect(done.correlationId).toBe(done.result?.correlationId);
    const page = (await manager.result(ALICE.id, job.id, 'stdout', 0, 100_000)).page;
    expect(page.data).toContain('"type":"result"');
  });

  it('deduplicates identical requests of the same owner unless forceRefresh', async () => {
    const { manager } = setup();
    const first = (await manager.submit(ALICE, req('same prompt'))).job;
    const again = await manager.submit(ALICE, { ...req('same prompt'), timeoutMs: 5000 });
    expect(again).toMatchObject({ deduplicated: true, job: { id: first.id } });
    const forced = await manager.submit(ALICE, req('same prompt'), { forceRefresh: true });
    expect(forced.deduplicated).toBe(false);
    expect(forced.job.id).not.toBe(first.id);
    const other = await manager.submit(BOB, req('same prompt'));
    expect(other.deduplicated).toBe(false);
    expect((await manager.submit(ALICE, req('different prompt'))).deduplicated).toBe(false);
    await settled(manager, ALICE.id, first.id);
  });

  it('isolates owners: status, result and cancel of a foreign job say "not found"', async () => {
    const { manager } = setup();
    const { job } = await manager.submit(ALICE, req('alice only'));
    await settled(manager, ALICE.id, job.id);
    const attempts = [
      () => manager.status(BOB.id, job.id),
      () => manager.result(BOB.id, job.id, 'stdout', 0, 10),
      () => manager.cancel(BOB.id, job.id),
    ];
    for (const attempt of attempts) {
      await expect((async () => attempt())()).rejects.toMatchObject({
        code: 'JOB_NOT_FOUND',
        message: `no job ${job.id} found`,
      });
    }
    expect(await manager.list(BOB.id)).toEqual([]);
    expect((await manager.status(ALICE.id, job.id)).state).toBe('completed');
  });

  it('cancel kills the running process group, grandchild included', async () => {
    const { manager, gw } = setup({ FAKE_CLI_MODE: 'hang' });
    const pidfile = join(gw.dir, 'pids');
    gw.env.FAKE_CLI_PIDFILE = pidfile;
    const { job } = await manager.submit(ALICE, req('hang forever'));
    expect(await waitForAsync(async () => (await manager.status(ALICE.id, job.id)).state === 'running')).toBe(
      true,
    );
    expect(
      await waitFor(() => {
        try {
          return readFileSync(pidfile, 'utf8').trim().split(' ').length === 2;
        } catch {
          return false;
        }
      }),
    ).toBe(true);
    const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    expect(pids.every(pidAlive)).toBe(true);
    const canceled = await manager.cancel(ALICE.id, job.id);
    expect(canceled.state).toBe('canceled');
    expect(await waitFor(() => !pids.some(pidAlive))).toBe(true);
    expect((await manager.cancel(ALICE.id, job.id)).state).toBe('canceled'); // idempotent on a terminal job
  });

  it('saturation refuses with a retryable error and creates no job', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const stub: JobRunner = async (_c, r) => {
      await gate;
      return okResult(r.provider);
    };
    const { manager } = setup({}, stub, {
      maxConcurrent: 1,
      perProvider: {},
      maxQueue: 1,
      queueTimeoutMs: 10_000,
    });
    await manager.submit(ALICE, req('one'));
    await manager.submit(ALICE, req('two'));
    let thrown: unknown;
    try {
      await manager.submit(ALICE, req('three'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SaturatedError);
    expect(thrown).toMatchObject({ code: 'GATEWAY_SATURATED', retryable: true });
    expect(await manager.list(ALICE.id)).toHaveLength(2);
    release();
  });

  it('cancels a queued job without running it, and fails one after the queue timeout', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const stub: JobRunner = async (_c, r) => {
      runs++;
      await gate;
      return okResult(r.provider);
    };
    const { manager } = setup({}, stub, {
      maxConcurrent: 1,
      perProvider: {},
      maxQueue: 5,
      queueTimeoutMs: 200,
    });
    await manager.submit(ALICE, req('blocker'));
    const queued = (await manager.submit(ALICE, req('queued'))).job;
    expect((await manager.cancel(ALICE.id, queued.id)).state).toBe('canceled');
    const timedOut = (await manager.submit(ALICE, req('times out'))).job;
    const after = await settled(manager, ALICE.id, timedOut.id);
    expect(after).toMatchObject({ state: 'failed', error: { code: 'QUEUE_TIMEOUT' } });
    expect(runs).toBe(1);
    release();
  });

  it('persists output while the job runs and redacts known secrets', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((r) => (finish = r));
    const stub: JobRunner = async (_c, r, hooks) => {
      hooks.onSpawn?.(process.pid);
      hooks.onOutput?.('stdout', 'progress line 1 token=sup3r-secret-value\n');
      hooks.onOutput?.('stderr', 'warning\n');
      await gate;
      return okResult(r.provider, 'reply with sup3r-secret-value');
    };
    const { manager } = setup({}, stub);
    const { job } = await manager.submit(ALICE, req('stream'));
    expect(await waitForAsync(async () => (await manager.status(ALICE.id, job.id)).stdoutChars > 0)).toBe(
      true,
    );
    expect((await manager.status(ALICE.id, job.id)).state).toBe('running');
    const page = (await manager.result(ALICE.id, job.id, 'stdout', 0, 1000)).page;
    expect(page.data).toContain('progress line 1');
    expect(page.data).not.toContain('sup3r-secret-value');
    finish();
    const done = await settled(manager, ALICE.id, job.id);
    expect(done.result?.reply).not.toContain('sup3r-secret-value');
    expect((await manager.result(ALICE.id, job.id, 'stderr', 0, 100)).page.data).toBe('warning\n');
  });

  it('waitFor returns the result of a quick job and undefined for a slow one', async () => {
    const { manager } = setup();
    const quick = (await manager.submit(ALICE, req('quick'))).job;
    const result = await manager.waitFor(quick.id, 10_000);
    expect(result?.ok).toBe(true);
    const { manager: slowManager } = setup({ FAKE_CLI_MODE: 'slow', FAKE_CLI_DELAY_MS: '1500' });
    const slow = (await slowManager.submit(ALICE, req('slow'))).job;
    expect(await slowManager.waitFor(slow.id, 100)).toBeUndefined();
    expect((await slowManager.status(ALICE.id, slow.id)).state).toBe('running');
    expect(JobError).toBeDefined();
  });
});
