import pg from 'pg';
import { PgJobManager } from '../../src/jobs/pg-manager.js';
import { PgJobStore } from '../../src/jobs/pg-store.js';
import type { JobRunner } from '../../src/jobs/runtime.js';
import type { SchedulerLimits } from '../../src/jobs/scheduler.js';
import type { RequestResult } from '../../src/service/types.js';

export interface PgInstance {
  store: PgJobStore;
  jobs: PgJobManager;
  close(): Promise<void>;
}

/** One gateway instance's job plane (own pool, own instance id) on the shared database. */
export function pgInstance(
  url: string,
  limits: SchedulerLimits,
  run: JobRunner,
  opts: { leaseMs?: number; start?: boolean; dedupWindowMs?: number } = {},
): PgInstance {
  const leaseMs = opts.leaseMs ?? 2000;
  const store = new PgJobStore({ url, leaseMs, limits });
  const jobs = new PgJobManager({
    store,
    limits,
    run,
    dedupWindowMs: opts.dedupWindowMs ?? 60_000,
    leaseMs,
    killGraceMs: 300,
    pollMs: 200,
  });
  if (opts.start !== false) jobs.start();
  return {
    store,
    jobs,
    close: async () => {
      await jobs.close();
      await store.close();
    },
  };
}

export function okResult(provider: string, reply = 'ok'): RequestResult {
  return { correlationId: 'c', cli: provider, ok: true, reply, exitCode: 0, durationMs: 1 } as RequestResult;
}

/** A runner that counts runs per prompt and holds each for `delayMs` (or until aborted). */
export function countingRunner(ran: Map<string, number>, delayMs: () => number): JobRunner {
  return async (_caller, request, hooks) => {
    ran.set(request.prompt, (ran.get(request.prompt) ?? 0) + 1);
    hooks.onOutput?.('stdout', `working on ${request.prompt}\n`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, delayMs());
      hooks.signal?.addEventListener('abort', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (hooks.signal?.aborted) {
      return {
        ...okResult(request.provider),
        ok: false,
        error: { code: 'CANCELED', message: 'canceled' },
      } as RequestResult;
    }
    return okResult(request.provider, `done ${request.prompt}`);
  };
}

/**
 * The largest number of slot rows (jobs and sync slots) that ran at the same
 * moment, per key, computed by the database from its own record of
 * started_at / finished_at (one clock: the server's).
 */
export async function maxOverlap(
  url: string,
  key: 'all' | 'provider' | 'owner',
): Promise<Record<string, number>> {
  const expr = key === 'all' ? `'all'` : key;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ k: string; n: number }>(
      `WITH j AS (
         SELECT id, ${expr} AS k, started_at, finished_at FROM gateway_jobs
          WHERE started_at IS NOT NULL AND finished_at IS NOT NULL)
       SELECT k, max(n)::int AS n FROM (
         SELECT a.id, a.k, count(*) AS n FROM j a
           JOIN j b ON b.k = a.k AND b.started_at <= a.started_at AND b.finished_at > a.started_at
          GROUP BY a.id, a.k) x
       GROUP BY k`,
    );
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  } finally {
    await client.end();
  }
}

export async function sql<T extends pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}
