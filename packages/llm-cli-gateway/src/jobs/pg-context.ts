import { hostname } from 'node:os';
import type pg from 'pg';
import { withTransaction, type PgClient, type PgPool } from '../store/pg/pool.js';
import type { SchedulerLimits } from './scheduler.js';

/**
 * What every part of the PostgreSQL job store shares: the pool, this
 * instance's identity, the lease and the limits, and queries that wait for
 * the schema migration first.
 */
export class PgJobContext {
  readonly host = hostname();
  private slotTurn: Promise<unknown> = Promise.resolve();

  constructor(
    readonly pool: PgPool,
    readonly instanceId: string,
    readonly leaseMs: number,
    readonly limits: SchedulerLimits,
    /** Resolves once the schema is migrated. */
    readonly ready: Promise<void>,
  ) {}

  async q<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
    await this.ready;
    return this.pool.query<T>(sql, params);
  }

  async tx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    await this.ready;
    return withTransaction(this.pool, fn);
  }

  /**
   * A transaction that takes the slots lock. They serialize in the database
   * anyway, so one instance runs them one at a time, queued here: a burst of
   * submits then waits in memory instead of holding every pooled connection
   * (and timing out on checkout) while heartbeats and reads need one.
   */
  slotTx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    const run = this.slotTurn.then(() => this.tx(fn));
    this.slotTurn = run.catch(() => undefined);
    return run;
  }
}
