import { expect, it } from 'vitest';
import type { RequestPlane } from '../../src/jobs/plane.js';
import { ALICE } from '../helpers/gateway.js';
import { jobRequest, testPlane } from '../helpers/jobs.js';
import { describePg } from '../helpers/pg.js';
import { waitForAsync } from '../jobs/async-wait.js';
import { sql, usePgJobsDatabase } from './pg-jobs-helpers.js';

const req = jobRequest('hello plane');

describePg('request plane on PostgreSQL', () => {
  const db = usePgJobsDatabase('llmgw_jobs_plane');
  function plane(limits: string, extraEnv: Record<string, string> = {}): RequestPlane {
    const toml = `[store]\nbackend = "postgres"\nurl = "${db.url}"\n[limits]\n${limits}\n`;
    return testPlane(toml, extraEnv, db.cleanups).p;
  }

  it('a quick sync request leaves only a content-free slot row, and no job', async () => {
    const p = plane('sync_deadline_seconds = 20');
    const out = await p.runSync(ALICE, req);
    expect(out.kind === 'result' && out.result.reply).toContain('fake claude reply');
    expect(await p.jobs!.list(ALICE.id)).toEqual([]);
    const rows = await waitForAsync(async () => {
      const r = await sql<{ kind: string; state: string }>(db.url, 'SELECT kind, state FROM gateway_jobs');
      return r.length === 1 && r[0]!.kind === 'sync' && r[0]!.state === 'completed';
    });
    expect(rows).toBe(true);
    const stored = await sql<{ t: string }>(db.url, 'SELECT row_to_json(j)::text AS t FROM gateway_jobs j');
    expect(stored[0]!.t).not.toContain('hello plane');
  });

  it('a sync request past the deadline becomes a job (its slot row turns into the job) and completes', async () => {
    const p = plane('sync_deadline_seconds = 1', { FAKE_CLI_MODE: 'slow', FAKE_CLI_DELAY_MS: '2500' });
    const out = await p.runSync(ALICE, req);
    if (out.kind !== 'deferred') throw new Error('expected a deferral');
    expect(out.job.state).toBe('running');
    expect(
      await waitForAsync(
        async () => (await p.jobs!.status(ALICE.id, out.job.id)).state === 'completed',
        15_000,
      ),
    ).toBe(true);
    const rows = await sql<{ kind: string; n: number }>(
      db.url,
      'SELECT kind, count(*)::int AS n FROM gateway_jobs GROUP BY kind',
    );
    expect(rows).toEqual([{ kind: 'job', n: 1 }]);
    expect(
      (await p.jobs!.result(ALICE.id, out.job.id, 'stdout', 0, 100_000)).page.data.length,
    ).toBeGreaterThan(0);
  });

  it('a deferred request runs on one instance and is canceled from another', async () => {
    const a = plane('sync_deadline_seconds = 1', { FAKE_CLI_MODE: 'hang' });
    const b = plane('sync_deadline_seconds = 1');
    const out = await a.runSync(ALICE, req);
    if (out.kind !== 'deferred') throw new Error('expected a deferral');
    const canceled = await b.jobs!.cancel(ALICE.id, out.job.id);
    expect(canceled.state).toBe('canceled');
    const pid = await sql<{ pid: number | null }>(db.url, 'SELECT pid FROM gateway_jobs WHERE id = $1', [
      out.job.id,
    ]);
    expect(pid[0]!.pid).not.toBeNull();
  });

  it('sync requests on two instances share one limit', async () => {
    const a = plane('max_concurrent = 1\nsync_deadline_seconds = 0', {
      FAKE_CLI_MODE: 'slow',
      FAKE_CLI_DELAY_MS: '400',
    });
    const b = plane('max_concurrent = 1\nsync_deadline_seconds = 0', {
      FAKE_CLI_MODE: 'slow',
      FAKE_CLI_DELAY_MS: '400',
    });
    const outs = await Promise.all([
      a.runSync(ALICE, req),
      b.runSync(ALICE, req),
      a.runSync(ALICE, req),
      b.runSync(ALICE, req),
    ]);
    expect(outs.every((o) => o.kind === 'result' && o.result.ok)).toBe(true);
    const overlap = await sql<{ n: number }>(
      db.url,
      `SELECT max(n)::int AS n FROM (SELECT a.id, count(*) AS n FROM gateway_jobs a JOIN gateway_jobs b
         ON b.started_at <= a.started_at AND b.finished_at > a.started_at GROUP BY a.id) x`,
    );
    expect(overlap[0]!.n).toBe(1);
    const instances = await sql<{ n: number }>(
      db.url,
      'SELECT count(DISTINCT instance_id)::int AS n FROM gateway_jobs',
    );
    expect(instances[0]!.n).toBe(2);
  });
});
