import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForAsync } from './async-wait.js';
import { ALICE } from '../helpers/gateway.js';
import { jobRequest, testPlane } from '../helpers/jobs.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function plane(toml: string, extraEnv: Record<string, string> = {}) {
  return testPlane(toml, extraEnv, cleanups);
}

const req = jobRequest('hello plane');

describe('RequestPlane', () => {
  it('with backend none there is no job manager', async () => {
    const { p } = plane('[persistence]\nbackend = "none"');
    expect(p.jobs).toBeNull();
    const out = await p.runSync(ALICE, req);
    expect(out.kind).toBe('result');
    expect(out.kind === 'result' && out.result.ok).toBe(true);
  });

  it('returns a quick sync request inline without touching the job store', async () => {
    const { p } = plane('[limits]\nsync_deadline_seconds = 20');
    const out = await p.runSync(ALICE, req);
    expect(out.kind === 'result' && out.result.reply).toContain('fake claude reply');
    expect(await p.jobs!.list(ALICE.id)).toEqual([]);
  });

  it('defers a sync request that outlives the deadline to a job', async () => {
    const { p } = plane('[limits]\nsync_deadline_seconds = 1', {
      FAKE_CLI_MODE: 'slow',
      FAKE_CLI_DELAY_MS: '2500',
    });
    const out = await p.runSync(ALICE, req);
    expect(out.kind).toBe('deferred');
    if (out.kind !== 'deferred') return;
    expect(out.job.state).toBe('running');
    expect(
      await waitForAsync(
        async () => (await p.jobs!.status(ALICE.id, out.job.id)).state === 'completed',
        10_000,
      ),
    ).toBe(true);
  });

  it('a deferred request is canceled through its job, killing the process group', async () => {
    const { p } = plane('[limits]\nsync_deadline_seconds = 1', { FAKE_CLI_MODE: 'hang' });
    const out = await p.runSync(ALICE, req);
    if (out.kind !== 'deferred') throw new Error('expected a deferral');
    const canceled = await p.jobs!.cancel(ALICE.id, out.job.id);
    expect(canceled.state).toBe('canceled');
    expect(p.scheduler.stats().running).toBe(0);
  });

  it('a managed request denied by the gate never spawns the CLI', async () => {
    const { p, gw } = plane('[approval]\nstrategy = "mcp_managed"\nthreshold = "strict"', {
      FAKE_CLI_MARKER: 'placeholder',
    });
    const marker = join(gw.dir, 'marker');
    gw.env.FAKE_CLI_MARKER = marker;
    const out = await p.runSync(ALICE, { ...req, prompt: 'rm -rf / please' });
    expect(out.kind === 'result' && out.result.error?.code).toBe('APPROVAL_DENIED');
    expect(existsSync(marker)).toBe(false);
    expect(p.approvals.list(ALICE.id)[0]!.decision).toBe('denied');
    expect(p.approvals.verify().ok).toBe(true);
  });
});
