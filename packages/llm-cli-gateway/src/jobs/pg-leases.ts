import type pg from 'pg';
import type { PgJobContext } from './pg-context.js';
import { JOBS_CHANNEL } from './pg-rows.js';
import type { OrphanedJob } from './store.js';

/**
 * Leases, cancel across instances and orphan recovery: the rows an instance
 * holds stay alive by heartbeat; a cancel is a flag plus a notification; a
 * row whose lease expired is orphaned by whichever instance notices.
 */
export class PgJobLeases {
  constructor(
    private readonly ctx: PgJobContext,
    /** The listener's own connection while it is up. */
    private readonly controlConnection: () => pg.Client | undefined,
  ) {}

  /**
   * Lease renewal and orphan recovery go over the listener's own connection
   * when there is one: a pool busy with a burst of submits must not delay a
   * heartbeat past the lease (another instance would orphan live jobs).
   */
  private async control<T extends pg.QueryResultRow>(
    text: string,
    params: unknown[],
  ): Promise<pg.QueryResult<T>> {
    await this.ctx.ready;
    const l = this.controlConnection();
    if (l !== undefined) {
      try {
        return await l.query<T>(text, params);
      } catch {
        // fall back to the pool below
      }
    }
    return this.ctx.pool.query<T>(text, params);
  }

  async heartbeat(): Promise<string[]> {
    const { rows } = await this.control<{ id: string; cancel_requested: boolean }>(
      `UPDATE gateway_jobs SET lease_expires_at = clock_timestamp() + $2 * interval '1 millisecond'
        WHERE instance_id = $1 AND state IN ('queued','running') RETURNING id, cancel_requested`,
      [this.ctx.instanceId, this.ctx.leaseMs],
    );
    return rows.filter((r) => r.cancel_requested).map((r) => r.id);
  }

  /** Running jobs of this instance whose cancellation was requested (read only: no lease renewed). */
  async pendingCancels(): Promise<string[]> {
    const { rows } = await this.control<{ id: string }>(
      `SELECT id FROM gateway_jobs WHERE instance_id = $1 AND state = 'running' AND cancel_requested`,
      [this.ctx.instanceId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Cancel from any instance: a queued job is canceled right here; a running
   * one is flagged and its instance is told over NOTIFY (with the heartbeat's
   * flag check as the fallback if the notification is missed).
   */
  async requestCancel(owner: string, id: string): Promise<void> {
    await this.ctx.tx(async (c) => {
      const q = await c.query(
        `UPDATE gateway_jobs SET state = 'canceled', payload = NULL, finished_at = clock_timestamp(),
            error_code = 'CANCELED', error_message = 'job canceled while queued'
          WHERE id = $1 AND owner = $2 AND kind = 'job' AND state = 'queued'`,
        [id, owner],
      );
      if (q.rowCount === 1) return;
      const r = await c.query(
        `UPDATE gateway_jobs SET cancel_requested = true WHERE id = $1 AND owner = $2 AND kind = 'job' AND state = 'running'`,
        [id, owner],
      );
      if (r.rowCount === 1) await c.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, `cancel:${id}`]);
    });
  }

  /**
   * Orphans every running row (and pinned sync slot) of another instance
   * whose lease expired. Async jobs still queued are not orphaned: their
   * payload is in the row and any instance may still claim them.
   */
  async recoverOrphans(): Promise<OrphanedJob[]> {
    const { rows } = await this.control<{
      id: string;
      pid: number | null;
      pid_start: string | null;
      host: string | null;
    }>(
      `UPDATE gateway_jobs SET state = 'orphaned', payload = NULL, finished_at = clock_timestamp(), error_code = 'ORPHANED',
          error_message = 'the gateway process running this job stopped before it finished (lease expired); output captured until then is kept'
        WHERE instance_id <> $1 AND lease_expires_at < clock_timestamp()
          AND (state = 'running' OR (state = 'queued' AND kind = 'sync'))
        RETURNING id, pid, pid_start, host`,
      [this.ctx.instanceId],
    );
    if (rows.length > 0) await this.control('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, 'freed']);
    return rows.map((r) => ({ id: r.id, pid: r.pid, pidStart: r.pid_start, host: r.host }));
  }
}
