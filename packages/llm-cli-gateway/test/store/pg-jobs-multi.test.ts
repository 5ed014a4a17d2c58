import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, it } from 'vitest';
import { fakeEnv, pidAlive, tempDir, waitFor } from '../helpers/env.js';
import { BOB } from '../helpers/gateway.js';
import { connectGateway, jsonOf } from '../helpers/mcp-client.js';
import { describePg } from '../helpers/pg.js';
import { waitForAsync } from '../jobs/async-wait.js';
import {
  countingRunner,
  maxOverlap,
  pgInstance,
  sql,
  terminalCount,
  usePgJobsDatabase,
  type PgJobsSuite,
} from './pg-jobs-helpers.js';

/**
 * Separate gateway processes (stdio, real CLI launches of the fake CLIs)
 * sharing one PostgreSQL job plane.
 */
let db: PgJobsSuite;
let cleanups: PgJobsSuite['cleanups'];

const LIMITS_TOML = `[limits]
max_concurrent = 5
per_provider = { claude = 2, codex = 2, gemini = 3 }
max_queue = 1000
job_lease_seconds = 1
dedup_window_seconds = 0
[limits.per_principal]
max_concurrent = 5
max_queued = 1000
`;

type Status = { job: { state: string; stdoutChars: number; error?: { code: string; message: string } } };

interface Instance {
  client: Client;
  pid: number;
  dir: string;
}

async function gateway(extra: Record<string, string> = {}): Promise<Instance> {
  const t = tempDir('gw-pg-');
  writeFileSync(join(t.dir, 'config.toml'), LIMITS_TOML);
  const env = fakeEnv(t.dir, {
    LLM_GATEWAY_DATABASE_URL: db.url,
    LLM_GATEWAY_CONFIG: join(t.dir, 'config.toml'),
    ...extra,
  });
  const client = await connectGateway(env);
  const pid = (client.transport as StdioClientTransport).pid!;
  cleanups.push(async () => {
    await client.close().catch(() => undefined);
    t.cleanup();
  });
  return { client, pid, dir: t.dir };
}

async function status(client: Client, jobId: string): Promise<Status> {
  return jsonOf<Status>(await client.callTool({ name: 'llm_job_status', arguments: { jobId } }));
}

async function submit(client: Client, tool: string, prompt: string): Promise<string> {
  const res = await client.callTool({ name: tool, arguments: { prompt } });
  if (res.isError === true) throw new Error(JSON.stringify(res.content));
  return jsonOf<{ jobId: string }>(res).jobId;
}

function pidsIn(file: string): number[] {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split(' ')
      .map(Number)
      .filter((p) => p > 0);
  } catch {
    return [];
  }
}

async function shareJobs(instances: number): Promise<void> {
  const gws = await Promise.all(
    Array.from({ length: instances }, () => gateway({ FAKE_CLI_MODE: 'slow', FAKE_CLI_DELAY_MS: '100' })),
  );
  const tools = ['claude_request_async', 'codex_request_async', 'gemini_request_async'];
  const ids = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      submit(gws[i % instances]!.client, tools[i % 3]!, `shared job ${i}`),
    ),
  );
  expect(new Set(ids).size).toBe(200);
  expect(await waitForAsync(async () => (await terminalCount(db.url)) === 200, 170_000)).toBe(true);
  const states = await sql<{ state: string; n: number }>(
    db.url,
    `SELECT state, count(*)::int AS n FROM gateway_jobs WHERE kind = 'job' GROUP BY state`,
  );
  expect(states).toEqual([{ state: 'completed', n: 200 }]);
  const ran = await sql<{ n: number }>(
    db.url,
    `SELECT count(DISTINCT instance_id)::int AS n FROM gateway_jobs`,
  );
  expect(ran[0]!.n).toBe(instances);
  // Limits, from the database's own record (started_at / finished_at on the server's clock).
  const all = await maxOverlap(db.url, 'all');
  const perProvider = await maxOverlap(db.url, 'provider');
  const perOwner = await maxOverlap(db.url, 'owner');
  expect(all.all).toBeLessThanOrEqual(5);
  expect(all.all).toBeGreaterThanOrEqual(3); // the jobs really overlapped across instances
  expect(perProvider.claude).toBeLessThanOrEqual(2);
  expect(perProvider.codex).toBeLessThanOrEqual(2);
  expect(perProvider.gemini).toBeLessThanOrEqual(3);
  for (const n of Object.values(perOwner)) expect(n).toBeLessThanOrEqual(5);
  // Every job's output was captured by whichever instance ran it, readable from any other.
  const sample = ids[7]!;
  const page = jsonOf<{ page: { data: string } }>(
    await gws[(7 + 1) % instances]!.client.callTool({ name: 'llm_job_result', arguments: { jobId: sample } }),
  );
  expect(page.page.data.length).toBeGreaterThan(0);
}

describePg('PostgreSQL job plane (separate gateway processes)', () => {
  db = usePgJobsDatabase('llmgw_jobs_multi');
  cleanups = db.cleanups;

  it('two gateway processes share 200 jobs within the global, per-provider and per-principal limits', async () => {
    await shareJobs(2);
  }, 240_000);

  it('three gateway processes share 200 jobs within the global, per-provider and per-principal limits', async () => {
    await shareJobs(3);
  }, 240_000);

  it('SIGKILL of an instance mid-job: another orphans it, kills its process group, keeps its output', async () => {
    const t = tempDir('gw-pg-pids-');
    cleanups.push(t.cleanup);
    const pidfile = join(t.dir, 'cli.pids');
    const victim = await gateway({ FAKE_CLI_MODE: 'chatty-hang', FAKE_CLI_PIDFILE: pidfile });
    const rescuer = await gateway();
    cleanups.push(() => {
      for (const p of pidsIn(pidfile)) if (pidAlive(p)) process.kill(p, 'SIGKILL');
    });
    const jobId = await submit(victim.client, 'claude_request_async', 'work, then hang');
    expect(
      await waitForAsync(async () => {
        const s = await status(victim.client, jobId);
        return s.job.state === 'running' && s.job.stdoutChars > 0;
      }, 15_000),
    ).toBe(true);
    expect(await waitFor(() => pidsIn(pidfile).length === 2, 5000)).toBe(true);
    const cliPids = pidsIn(pidfile);
    process.kill(victim.pid, 'SIGKILL');
    expect(await waitFor(() => !pidAlive(victim.pid))).toBe(true);
    expect(cliPids.every(pidAlive)).toBe(true); // the CLI outlived its gateway
    expect(
      await waitForAsync(async () => (await status(rescuer.client, jobId)).job.state === 'orphaned', 15_000),
    ).toBe(true);
    expect((await status(rescuer.client, jobId)).job.error?.code).toBe('ORPHANED');
    const page = jsonOf<{ page: { data: string } }>(
      await rescuer.client.callTool({ name: 'llm_job_result', arguments: { jobId } }),
    );
    expect(page.page.data).toContain('progress before the crash');
    expect(await waitFor(() => !cliPids.some(pidAlive), 8000)).toBe(true);
    const rows = await sql<{ host: string; pid: number; pid_start: string }>(
      db.url,
      'SELECT host, pid, pid_start FROM gateway_jobs WHERE id = $1',
      [jobId],
    );
    expect(rows[0]).toMatchObject({ pid: cliPids[0] });
    expect(rows[0]!.pid_start).not.toBeNull();
  }, 90_000);

  it('cancel from another instance kills the running process group; a replayed cancel changes nothing', async () => {
    const t = tempDir('gw-pg-pids-');
    cleanups.push(t.cleanup);
    const pidfile = join(t.dir, 'cli.pids');
    const runner = await gateway({ FAKE_CLI_MODE: 'hang', FAKE_CLI_PIDFILE: pidfile });
    const other = await gateway();
    cleanups.push(() => {
      for (const p of pidsIn(pidfile)) if (pidAlive(p)) process.kill(p, 'SIGKILL');
    });
    const jobId = await submit(runner.client, 'claude_request_async', 'hang until canceled');
    expect(await waitFor(() => pidsIn(pidfile).length === 2, 15_000)).toBe(true);
    const pids = pidsIn(pidfile);
    const canceled = jsonOf<Status>(
      await other.client.callTool({ name: 'llm_job_cancel', arguments: { jobId } }),
    );
    expect(canceled.job.state).toBe('canceled');
    expect(await waitFor(() => !pids.some(pidAlive), 8000)).toBe(true);
    const again = jsonOf<Status>(
      await other.client.callTool({ name: 'llm_job_cancel', arguments: { jobId } }),
    );
    expect(again.job.state).toBe('canceled');
    expect((await status(runner.client, jobId)).job.state).toBe('canceled');
  }, 90_000);

  it("cross-owner reads: another principal's job, created by another instance, is indistinguishable from a missing one", async () => {
    const gw = await gateway();
    const bobs = pgInstance(
      db.url,
      { maxConcurrent: 2, perProvider: {}, maxQueue: 10, queueTimeoutMs: 60_000 },
      countingRunner(new Map(), () => 10),
    );
    cleanups.push(() => bobs.close());
    const { job } = await bobs.jobs.submit(BOB, { provider: 'claude', prompt: "bob's secret", options: {} });
    const unknown = randomUUID();
    for (const id of [job.id, unknown]) {
      for (const name of ['llm_job_status', 'llm_job_result', 'llm_job_cancel']) {
        const res = await gw.client.callTool({ name, arguments: { jobId: id } });
        expect(res.isError).toBe(true);
        expect(jsonOf<{ error: unknown }>(res).error).toEqual({
          code: 'JOB_NOT_FOUND',
          message: `no job ${id} found`,
        });
      }
    }
    expect(
      await waitForAsync(async () => (await bobs.jobs.status(BOB.id, job.id)).state === 'completed', 10_000),
    ).toBe(true);
  }, 60_000);
});
