import { randomUUID } from 'node:crypto';
import type { Caller, GatewayRequest } from '../service/types.js';
import { JobError } from './errors.js';
import { checkQueueRoom, fits, lockAndCount, RUNNING_SET, take } from './pg-admission.js';
import type { PgJobContext } from './pg-context.js';
import {
  COLUMNS,
  DUPLICATE_SQL,
  JOBS_CHANNEL,
  toRecord,
  type ClaimedJob,
  type Payload,
  type Row,
} from './pg-rows.js';
import type { JobRecord } from './store.js';

/**
 * The queue and the slot ledger of the PostgreSQL job plane: submits, claims
 * and the slots of sync requests, each admitted under the slots lock.
 */
export class PgJobQueue {
  constructor(private readonly ctx: PgJobContext) {}

  /**
   * Submits an async job. Identical requests of one owner are serialized by
   * an advisory lock on owner + request hash, so two instances receiving the
   * same request at once create one job. When a slot is free the job is
   * claimed by this instance at once (`claimed`, no payload ever stored);
   * otherwise it waits in the queue with its payload for any instance.
   */
  async enqueue(
    caller: Caller,
    request: GatewayRequest,
    hash: string,
    opts: { dedupWindowMs: number; forceRefresh: boolean },
  ): Promise<{ job: JobRecord; deduplicated: boolean; claimed: boolean }> {
    const ctx = this.ctx;
    return ctx.slotTx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `llm-cli-gateway:dedup:${caller.id}:${hash}`,
      ]);
      if (!opts.forceRefresh && opts.dedupWindowMs > 0) {
        const dup = await c.query<Row>(DUPLICATE_SQL, [caller.id, hash, opts.dedupWindowMs]);
        if (dup.rows[0] !== undefined)
          return { job: toRecord(dup.rows[0]), deduplicated: true, claimed: false };
      }
      const counts = await lockAndCount(c);
      const id = randomUUID();
      const runHere = fits(ctx.limits, counts, request.provider, caller.id);
      if (runHere) {
        await c.query(
          `INSERT INTO gateway_jobs (id, kind, owner, provider, model, state, request_hash, instance_id, host, started_at, lease_expires_at)
           VALUES ($1, 'job', $5, $6, $7, 'running', $8, $2, $3, clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')`,
          [
            id,
            ctx.instanceId,
            ctx.host,
            ctx.leaseMs,
            caller.id,
            request.provider,
            request.model ?? null,
            hash,
          ],
        );
      } else {
        await checkQueueRoom(c, ctx.limits, counts, request.provider, caller.id);
        const payload: Payload = { caller: { id: caller.id, transport: caller.transport }, request };
        await c.query(
          `INSERT INTO gateway_jobs (id, kind, owner, provider, model, state, request_hash, payload)
           VALUES ($1, 'job', $2, $3, $4, 'queued', $5, $6)`,
          [id, caller.id, request.provider, request.model ?? null, hash, JSON.stringify(payload)],
        );
        await c.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, 'queued']);
      }
      const row = await c.query<Row>(`SELECT ${COLUMNS} FROM gateway_jobs WHERE id = $1`, [id]);
      return { job: toRecord(row.rows[0]!), deduplicated: false, claimed: runHere };
    });
  }

  /**
   * Claims queued rows this instance may run, oldest first, as long as the
   * limits allow: async jobs of anyone's, and sync slots pinned here. Rows
   * are locked FOR UPDATE SKIP LOCKED (a cancel in flight is skipped, never
   * waited for) and their payload is returned and cleared in the same
   * transaction.
   */
  async claim(max: number): Promise<ClaimedJob[]> {
    if (max <= 0) return [];
    const ctx = this.ctx;
    return ctx.slotTx(async (c) => {
      const counts = await lockAndCount(c);
      if (counts.total >= ctx.limits.maxConcurrent) return [];
      const { rows } = await c.query<{
        id: string;
        kind: 'job' | 'sync';
        owner: string;
        provider: string;
        payload: Payload | null;
      }>(
        `SELECT id, kind, owner, provider, payload FROM gateway_jobs
          WHERE state = 'queued' AND (kind = 'job' OR instance_id = $1)
          ORDER BY seq LIMIT 256 FOR UPDATE SKIP LOCKED`,
        [ctx.instanceId],
      );
      const picked: ClaimedJob[] = [];
      for (const r of rows) {
        if (picked.length >= max) break;
        if (!fits(ctx.limits, counts, r.provider, r.owner)) continue;
        if (r.kind === 'job' && r.payload === null) continue; // cannot run without its request
        take(counts, r.provider, r.owner);
        picked.push({ id: r.id, kind: r.kind, payload: r.payload ?? undefined });
      }
      if (picked.length > 0) {
        await c.query(`UPDATE gateway_jobs SET ${RUNNING_SET} WHERE id = ANY($1)`, [
          picked.map((p) => p.id),
          ctx.instanceId,
          ctx.host,
          ctx.leaseMs,
        ]);
      }
      return picked;
    });
  }

  /** A slot for a sync request: `running` now, or `queued` (pinned here) until `claim` grants it. */
  async acquireSync(owner: string, provider: string): Promise<{ id: string; granted: boolean }> {
    const ctx = this.ctx;
    return ctx.slotTx(async (c) => {
      const counts = await lockAndCount(c);
      const id = randomUUID();
      const granted = fits(ctx.limits, counts, provider, owner);
      if (!granted) await checkQueueRoom(c, ctx.limits, counts, provider, owner);
      await c.query(
        `INSERT INTO gateway_jobs (id, kind, owner, provider, state, request_hash, instance_id, host, started_at, lease_expires_at)
         VALUES ($1, 'sync', $5, $6, $7, '', $2, $3, CASE WHEN $7 = 'running' THEN clock_timestamp() END,
                 clock_timestamp() + $4 * interval '1 millisecond')`,
        [id, ctx.instanceId, ctx.host, ctx.leaseMs, owner, provider, granted ? 'running' : 'queued'],
      );
      return { id, granted };
    });
  }

  /** Frees a sync slot (the request finished): kept as a record of when it held the slot. */
  async releaseSync(id: string): Promise<void> {
    await this.ctx.q(
      `WITH done AS (
         UPDATE gateway_jobs SET state = 'completed', finished_at = clock_timestamp()
          WHERE id = $1 AND kind = 'sync' AND state = 'running' RETURNING 1)
       SELECT pg_notify($2, 'freed') FROM done`,
      [id, JOBS_CHANNEL],
    );
  }

  /** Leaves the queue (abort or queue timeout); false when it was claimed meanwhile. */
  async dequeue(
    id: string,
    to: 'canceled' | 'failed',
    error: { code: string; message: string },
  ): Promise<boolean> {
    const r = await this.ctx.q(
      `UPDATE gateway_jobs SET state = $2, payload = NULL, finished_at = clock_timestamp(), error_code = $3, error_message = $4
        WHERE id = $1 AND state = 'queued'`,
      [id, to, error.code, error.message],
    );
    return r.rowCount === 1;
  }

  /** Turns a running sync slot into a job of its owner (a sync request past its deadline). */
  async adoptSync(
    id: string,
    hash: string,
    model: string | undefined,
    pid: number | undefined,
    pidStart: string | null,
  ): Promise<JobRecord> {
    const { rows } = await this.ctx.q<Row>(
      `UPDATE gateway_jobs SET kind = 'job', request_hash = $2, model = $3, pid = COALESCE($4, pid), pid_start = COALESCE($5, pid_start)
        WHERE id = $1 AND kind = 'sync' AND state = 'running' AND instance_id = $6 RETURNING ${COLUMNS}`,
      [id, hash, model ?? null, pid ?? null, pidStart, this.ctx.instanceId],
    );
    if (rows[0] === undefined)
      throw new JobError('JOB_INVALID_TRANSITION', `slot ${id} is no longer running here`);
    return toRecord(rows[0]);
  }

  /** Fails queued async jobs that waited longer than the queue timeout (any instance may do it). */
  async expireQueued(queueTimeoutMs: number): Promise<number> {
    const r = await this.ctx.q(
      `UPDATE gateway_jobs SET state = 'failed', payload = NULL, finished_at = clock_timestamp(),
          error_code = 'QUEUE_TIMEOUT', error_message = $2
        WHERE state = 'queued' AND kind = 'job' AND created_at < clock_timestamp() - $1 * interval '1 millisecond'`,
      [queueTimeoutMs, `waited ${Math.round(queueTimeoutMs / 1000)} s for a free slot; retry later`],
    );
    return r.rowCount ?? 0;
  }
}
