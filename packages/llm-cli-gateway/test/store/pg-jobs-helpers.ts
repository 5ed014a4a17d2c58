import pg from 'pg';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { PgJobManager } from '../../src/jobs/pg-manager.js';
import { PgJobStore } from '../../src/jobs/pg-store.js';
import type { JobRunner } from '../../src/jobs/runtime.js';
import type { SchedulerLimits } from '../../src/jobs/scheduler.js';
import type { RequestResult } from '../../src/service/types.js';
import { okResult } from '../helpers/jobs.js';
import { createTestDatabase, pgRows, type TestDatabase } from '../helpers/pg.js';

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
  opts: {
    leaseMs?: number;
    start?: boolean;
    dedupWindowMs?: number;
    listenerBackoff?: { minMs: number; maxMs: number };
  } = {},
): PgInstance {
  const leaseMs = opts.leaseMs ?? 2000;
  const store = new PgJobStore({ url, leaseMs, limits, listenerBackoff: opts.listenerBackoff });
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

/** One statement on a connection of its own (kept under this name for the job tests). */
export const sql = pgRows;

/** Jobs (not sync slots) that reached a terminal state. */
export async function terminalCount(url: string): Promise<number> {
  const rows = await sql<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM gateway_jobs WHERE kind = 'job' AND state NOT IN ('queued','running')`,
  );
  return rows[0]!.n;
}

export interface PgJobsSuite {
  /** The suite's database (set once its `beforeAll` ran). */
  readonly url: string;
  /** Run after each test, last registered first, before the instances close. */
  readonly cleanups: Array<() => void | Promise<void>>;
  /** An instance on the suite's database, closed after the test. */
  instance(limits: SchedulerLimits, run: JobRunner, opts?: Parameters<typeof pgInstance>[3]): PgInstance;
}

/**
 * A database of its own for a describe block of job-plane tests: created
 * before them, emptied of jobs after each, dropped at the end. Call it inside
 * the `describePg` callback.
 */
export function usePgJobsDatabase(prefix: string): PgJobsSuite {
  let db: TestDatabase | undefined;
  const cleanups: Array<() => void | Promise<void>> = [];
  const open: PgInstance[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(prefix);
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await Promise.all(open.splice(0).map((i) => i.close()));
    if (db !== undefined) await sql(db.url, 'TRUNCATE gateway_jobs CASCADE').catch(() => undefined);
  });
  afterAll(async () => {
    await db?.drop();
  });
  const suite: PgJobsSuite = {
    get url() {
      if (db === undefined) throw new Error('the test database is created in beforeAll');
      return db.url;
    },
    cleanups,
    instance: (limits, run, opts) => {
      const i = pgInstance(suite.url, limits, run, opts);
      open.push(i);
      return i;
    },
  };
  return suite;
}
