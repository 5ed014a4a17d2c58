import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';

/**
 * PostgreSQL for tests: a real server on loopback (the project's machines run
 * one at 127.0.0.1:5432 with trust auth). Each test file gets its own database,
 * created here and dropped by `drop()`. Outside CI an unreachable server skips
 * the PostgreSQL suites with a loud message; in CI (CI=true) they fail instead.
 */
export const PG_ADMIN_URL =
  process.env.LLM_GATEWAY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const unreachable = await reachable();
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (unreachable !== undefined && !inCi) {
  process.stderr.write(
    `\n*** PostgreSQL tests SKIPPED: ${PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} is unreachable (${unreachable}).\n` +
      '*** Start it (see README "PostgreSQL store") or set LLM_GATEWAY_TEST_PG_URL. In CI they fail instead.\n\n',
  );
}

/** `describe` that runs only with a reachable server (always in CI, where a missing server fails the suite). */
export const describePg: typeof describe.skip = unreachable === undefined || inCi ? describe : describe.skip;

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own; `drop()` terminates its connections and removes it. */
export async function createTestDatabase(prefix = 'llmgw_test'): Promise<TestDatabase> {
  if (unreachable !== undefined) throw new Error(`PostgreSQL unreachable at ${PG_ADMIN_URL}: ${unreachable}`);
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** Runs one statement on a connection of its own and returns the rows. */
export async function pgRows<T extends pg.QueryResultRow>(
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
