import type pg from 'pg';
import { pgDriver } from './driver.js';
import { redactDatabaseUrl } from '../../config/file.js';

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

export interface PgPoolOptions {
  /** Connections this instance may hold (default 10). */
  readonly max?: number;
  /** Shown in pg_stat_activity, so an operator can tell instances apart. */
  readonly applicationName?: string;
}

/**
 * A connection pool to the gateway's PostgreSQL database. Errors of idle
 * connections (the server restarted, a network blip) are logged, not thrown:
 * the pool reconnects on the next checkout.
 */
export function openPgPool(url: string, opts: PgPoolOptions = {}): PgPool {
  const pool = new (pgDriver().Pool)({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'llm-cli-gateway',
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', (err) => {
    process.stderr.write(
      `llm-cli-gateway: idle PostgreSQL connection to ${redactDatabaseUrl(url)} failed: ${err.message}\n`,
    );
  });
  return pool;
}

/** Runs `fn` in one transaction on one connection; rolls back on any error. */
export async function withTransaction<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
