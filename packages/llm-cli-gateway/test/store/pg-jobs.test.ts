import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import type { SchedulerLimits } from '../../src/jobs/scheduler.js';
import { pidAlive, waitFor } from '../helpers/env.js';
import { ALICE, BOB } from '../helpers/gateway.js';
import { jobRequest, okResult } from '../helpers/jobs.js';
import { describePg } from '../helpers/pg.js';
import { waitForAsync } from '../jobs/async-wait.js';
import { countingRunner, maxOverlap, sql, terminalCount, usePgJobsDatabase } from './pg-jobs-helpers.js';

const req = jobRequest;

const roomy: SchedulerLimits = {
  maxConcurrent: 4,
  perProvider: { claude: 2, codex: 3 },
  maxQueue: 1000,
  queueTimeoutMs: 60_000,
  perPrincipal: 3,
  perPrincipalQueue: 1000,
};

describePg('PostgreSQL job plane (in-process instances)', () => {
  const suite = usePgJobsDatabase('llmgw_jobs');
  const instance = suite.instance;

  it('three instances share 200 jobs: each runs exactly once, limits hold in the database record', async () => {
    const ran = new Map<string, number>();
    const run = countingRunner(ran, () => 5 + Math.floor(Math.random() * 20));
    const instances = [instance(roomy, run), instance(roomy, run), instance(roomy, run)];
    await instances[0]!.store.whenReady();
    const providers = ['claude', 'codex', 'gemini'] as const;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        instances[i % 3]!.jobs.submit(i % 2 === 0 ? ALICE : BOB, req(`job ${i}`, providers[i % 3])),
      ),
    );
    expect(await waitForAsync(async () => (await terminalCount(suite.url)) === 200, 60_000)).toBe(true);
    const states = await sql<{ state: string; n: number }>(
      suite.url,
      `SELECT state, count(*)::int AS n FROM gateway_jobs GROUP BY state`,
    );
    expect(states).toEqual([{ state: 'completed', n: 200 }]);
    expect(ran.size).toBe(200);
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
    const byInstance = await sql<{ n: number }>(
      suite.url,
      'SELECT count(DISTINCT instance_id)::int AS n FROM gateway_jobs',
    );
    expect(byInstance[0]!.n).toBe(3);
    // The limits, from the database's own record of when each job ran.
    const all = await maxOverlap(suite.url, 'all');
    const perProvider = await maxOverlap(suite.url, 'provider');
    const perOwner = await maxOverlap(suite.url, 'owner');
    expect(all.all).toBe(4); // reached, never exceeded
    expect(perProvider.claude).toBeLessThanOrEqual(2);
    expect(perProvider.codex).toBeLessThanOrEqual(3);
    expect(perOwner[ALICE.id]).toBeLessThanOrEqual(3);
    expect(perOwner[BOB.id]).toBeLessThanOrEqual(3);
    // Content-free at rest: no payload outside the queue.
    const payloads = await sql<{ n: number }>(
      suite.url,
      'SELECT count(*)::int AS n FROM gateway_jobs WHERE payload IS NOT NULL',
    );
    expect(payloads[0]!.n).toBe(0);
  });

  it('sync slots count across instances: a sync request on one instance holds back a job on another', async () => {
    const limits: SchedulerLimits = { ...roomy, maxConcurrent: 1, perProvider: {} };
    const ran = new Map<string, number>();
    const a = instance(
      limits,
      countingRunner(ran, () => 10),
    );
    const b = instance(
      limits,
      countingRunner(ran, () => 10),
    );
    const slot = await a.jobs.slots.acquire('claude', undefined, ALICE.id);
    const { job } = await b.jobs.submit(BOB, req('waits for the sync slot'));
    expect(job.state).toBe('queued');
    await new Promise((r) => setTimeout(r, 500));
    expect((await b.jobs.status(BOB.id, job.id)).state).toBe('queued');
    // A sync request on B waits too (queued, pinned to B).
    let bGranted = false;
    const bSlot = b.jobs.slots.acquire('codex', undefined, BOB.id).then((s) => {
      bGranted = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(bGranted).toBe(false);
    slot.release();
    expect(
      await waitForAsync(async () => (await b.jobs.status(BOB.id, job.id)).state === 'completed', 10_000),
    ).toBe(true);
    (await bSlot).release();
    expect((await maxOverlap(suite.url, 'all')).all).toBe(1);
    // Sync slots are no one's jobs.
    expect((await a.jobs.list(ALICE.id)).length).toBe(0);
  });

  it('saturation is refused across instances with a retryable error and no row', async () => {
    const limits: SchedulerLimits = { ...roomy, maxConcurrent: 1, maxQueue: 1, perProvider: {} };
    const a = instance(
      limits,
      countingRunner(new Map(), () => 60_000),
    );
    const b = instance(
      limits,
      countingRunner(new Map(), () => 60_000),
    );
    await a.jobs.submit(ALICE, req('runs'));
    await b.jobs.submit(ALICE, req('queued'));
    await expect(b.jobs.submit(ALICE, req('refused'))).rejects.toMatchObject({
      code: 'GATEWAY_SATURATED',
      retryable: true,
    });
    await expect(a.jobs.slots.acquire('claude', undefined, BOB.id)).rejects.toMatchObject({
      code: 'GATEWAY_SATURATED',
    });
    expect((await a.jobs.list(ALICE.id)).length).toBe(2);
  });

  it('dedup is race-free across instances', async () => {
    const ran = new Map<string, number>();
    const instances = [0, 1, 2].map(() =>
      instance(
        roomy,
        countingRunner(ran, () => 50),
      ),
    );
    const results = await Promise.all(
      instances.flatMap((i) => [
        i.jobs.submit(ALICE, req('same')),
        i.jobs.submit(ALICE, { ...req('same'), timeoutMs: 5 }),
      ]),
    );
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
    // Another owner with the same request gets a job of its own.
    const bob = await instances[1]!.jobs.submit(BOB, req('same'));
    expect(bob.deduplicated).toBe(false);
  });

  it('cancel from another instance: running job aborted by its owner instance, queued job canceled in place', async () => {
    const limits: SchedulerLimits = { ...roomy, maxConcurrent: 1, perProvider: {} };
    const ran = new Map<string, number>();
    const a = instance(
      limits,
      countingRunner(ran, () => 60_000),
    );
    const b = instance(
      limits,
      countingRunner(ran, () => 60_000),
    );
    const running = (await a.jobs.submit(ALICE, req('long'))).job;
    const queued = (await a.jobs.submit(ALICE, req('never runs'))).job;
    expect(running.state).toBe('running');
    expect(queued.state).toBe('queued');
    expect((await b.jobs.cancel(ALICE.id, queued.id)).state).toBe('canceled');
    const canceled = await b.jobs.cancel(ALICE.id, running.id);
    expect(canceled).toMatchObject({ state: 'canceled' });
    // A replayed cancel changes nothing and runs nothing.
    expect((await b.jobs.cancel(ALICE.id, running.id)).state).toBe('canceled');
    expect((await a.jobs.cancel(ALICE.id, queued.id)).state).toBe('canceled');
    expect(ran.get('never runs')).toBeUndefined();
    expect(ran.get('long')).toBe(1);
  });

  it('owner isolation: a forged id of another owner reads exactly like an unknown id', async () => {
    const a = instance(
      roomy,
      countingRunner(new Map(), () => 10),
    );
    const b = instance(
      roomy,
      countingRunner(new Map(), () => 10),
    );
    const { job } = await a.jobs.submit(ALICE, req('alice only'));
    expect(
      await waitForAsync(async () => (await a.jobs.status(ALICE.id, job.id)).state === 'completed', 10_000),
    ).toBe(true);
    const unknown = randomUUID();
    for (const id of [job.id, unknown]) {
      for (const attempt of [
        () => b.jobs.status(BOB.id, id),
        () => b.jobs.result(BOB.id, id, 'stdout', 0, 10),
        () => b.jobs.cancel(BOB.id, id),
      ]) {
        await expect(attempt()).rejects.toMatchObject({
          code: 'JOB_NOT_FOUND',
          message: `no job ${id} found`,
        });
      }
    }
    expect(await b.jobs.list(BOB.id)).toEqual([]);
    // A sync slot's row id is not a job id either.
    const slot = await b.jobs.slots.acquire('claude', undefined, BOB.id);
    const slotRow = await sql<{ id: string }>(
      suite.url,
      `SELECT id FROM gateway_jobs WHERE kind = 'sync' AND state = 'running'`,
    );
    slot.release();
    await expect(b.jobs.status(BOB.id, slotRow[0]!.id)).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
    // The owner still reads its job and output.
    const page = await b.jobs.result(ALICE.id, job.id, 'stdout', 0, 100);
    expect(page.page.data).toBe('working on alice only\n');
  });

  it('the payload exists only while queued (a CHECK refuses it on any other row)', async () => {
    const limits: SchedulerLimits = { ...roomy, maxConcurrent: 1, perProvider: {} };
    const a = instance(
      limits,
      countingRunner(new Map(), () => 300),
    );
    await a.jobs.submit(ALICE, req('first'));
    const second = (await a.jobs.submit(ALICE, req('secret prompt'))).job;
    const queued = await sql<{ payload: unknown }>(
      suite.url,
      'SELECT payload FROM gateway_jobs WHERE id = $1',
      [second.id],
    );
    expect(JSON.stringify(queued[0]!.payload)).toContain('secret prompt');
    expect(
      await waitForAsync(async () => (await a.jobs.status(ALICE.id, second.id)).state !== 'queued', 10_000),
    ).toBe(true);
    const after = await sql<{ payload: unknown }>(
      suite.url,
      'SELECT payload FROM gateway_jobs WHERE id = $1',
      [second.id],
    );
    expect(after[0]!.payload).toBeNull();
    await expect(
      sql(suite.url, `UPDATE gateway_jobs SET payload = '{}' WHERE id = $1`, [second.id]),
    ).rejects.toThrow(/gateway_jobs_payload_only_queued/);
  });

  it('an instance that stops renewing its lease is recovered by another: orphaned, its group killed, output kept, a recycled pid spared', async () => {
    // The "dead" instance runs a job whose CLI is a real process group, then never heartbeats.
    const child = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    const bystander = spawn(process.execPath, ['-e', 'setInterval(()=>{},1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    suite.cleanups.push(() => {
      for (const p of [child.pid!, bystander.pid!]) if (pidAlive(p)) process.kill(-p, 'SIGKILL');
    });
    const dead = instance(
      roomy,
      async (_c, r, hooks) => {
        hooks.onSpawn?.(r.prompt === 'recycled' ? bystander.pid! : child.pid!);
        hooks.onOutput?.('stdout', 'progress before the crash\n');
        // Never finishes by itself (only the test's clean-up aborts it).
        await new Promise((resolve) => hooks.signal?.addEventListener('abort', resolve));
        return okResult(r.provider);
      },
      { leaseMs: 400, start: false },
    );
    const { job } = await dead.jobs.submit(ALICE, req('crashes'));
    const recycled = (await dead.jobs.submit(ALICE, req('recycled'))).job;
    expect(
      await waitForAsync(async () => (await dead.jobs.status(ALICE.id, job.id)).stdoutChars > 0, 5000),
    ).toBe(true);
    expect(
      await waitForAsync(async () => {
        const rows = await sql<{ n: number }>(
          suite.url,
          'SELECT count(*)::int AS n FROM gateway_jobs WHERE pid IS NOT NULL',
        );
        return rows[0]!.n === 2;
      }),
    ).toBe(true);
    // The bystander's recorded start time no longer matches: its pid now names another process.
    await sql(suite.url, `UPDATE gateway_jobs SET pid_start = '1' WHERE id = $1`, [recycled.id]);
    const rescuer = instance(
      roomy,
      countingRunner(new Map(), () => 10),
      { leaseMs: 400 },
    );
    expect(
      await waitForAsync(
        async () => (await rescuer.jobs.status(ALICE.id, job.id)).state === 'orphaned',
        10_000,
      ),
    ).toBe(true);
    const orphan = await rescuer.jobs.status(ALICE.id, job.id);
    expect(orphan.error?.code).toBe('ORPHANED');
    expect((await rescuer.jobs.result(ALICE.id, job.id, 'stdout', 0, 1000)).page.data).toContain(
      'progress before the crash',
    );
    expect(await waitFor(() => !pidAlive(child.pid!), 5000)).toBe(true);
    expect(
      await waitForAsync(
        async () => (await rescuer.jobs.status(ALICE.id, recycled.id)).state === 'orphaned',
        10_000,
      ),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // past the kill grace: a kill would have landed by now
    expect(pidAlive(bystander.pid!)).toBe(true);
  });
});
