import { randomUUID } from 'node:crypto';
import { migrate } from '../store/pg/migrate.js';
import { openPgPool, type PgPool } from '../store/pg/pool.js';
import { JobError, jobNotFound } from './errors.js';
import { PgJobContext } from './pg-context.js';
import { PgJobLeases } from './pg-leases.js';
import { PgListener, type PgListenerStats } from './pg-listener.js';
import { PgJobQueue } from './pg-queue.js';
import { COLUMNS, DUPLICATE_SQL, JOBS_CHANNEL, toRecord, type ClaimedJob, type Row } from './pg-rows.js';
import { JOB_MIGRATIONS, JOBS_COMPONENT } from './pg-schema.js';
import type { SchedulerLimits } from './scheduler.js';
import { canTransition, type JobState } from './states.js';
import type { JobStoreApi } from './store-api.js';
import type { JobRecord, OrphanedJob, OutputPage, OutputStream, TransitionFields } from './store.js';

export { JOBS_CHANNEL, type ClaimedJob };

export interface PgJobStoreOptions {
  /** Default: a pool of its own on `url`. */
  readonly pool?: PgPool;
  /** The database URL, for the dedicated LISTEN connection. */
  readonly url: string;
  readonly leaseMs: number;
  readonly limits: SchedulerLimits;
  readonly instanceId?: string;
  /** Closes the pool with the store (default true: the store opened it). */
  readonly ownsPool?: boolean;
  /** Delay between reconnection attempts of the LISTEN connection (default 100 ms doubling to 5 s). */
  readonly listenerBackoff?: { readonly minMs: number; readonly maxMs: number };
}

/**
 * The job store on PostgreSQL, shared by several gateway instances. Besides
 * the `JobStoreApi` it is the queue (`enqueue`, `claim`) and the slot ledger
 * of sync requests (`acquireSync`, `releaseSync`, `adoptSync`): see
 * pg-queue.ts, pg-admission.ts (the slots lock), pg-leases.ts (heartbeat,
 * cancel, orphans) and pg-listener.ts (LISTEN/NOTIFY).
 */
export class PgJobStore implements JobStoreApi {
  readonly backend = 'postgres' as const;
  readonly instanceId: string;
  readonly host: string;
  readonly pool: PgPool;
  private readonly opts: PgJobStoreOptions;
  private readonly ctx: PgJobContext;
  private readonly queue: PgJobQueue;
  private readonly leases: PgJobLeases;
  private listener: PgListener | undefined;
  private closed = false;

  constructor(opts: PgJobStoreOptions) {
    this.opts = opts;
    this.pool = opts.pool ?? openPgPool(opts.url, { applicationName: 'llm-cli-gateway jobs' });
    this.instanceId = opts.instanceId ?? randomUUID();
    const ready = migrate(this.pool, JOBS_COMPONENT, JOB_MIGRATIONS).then(() => undefined);
    ready.catch((err: Error) => {
      process.stderr.write(`llm-cli-gateway: job store migrations failed: ${err.message}\n`);
    });
    this.ctx = new PgJobContext(this.pool, this.instanceId, opts.leaseMs, opts.limits, ready);
    this.host = this.ctx.host;
    this.queue = new PgJobQueue(this.ctx);
    this.leases = new PgJobLeases(this.ctx, () => this.listener?.current);
  }

  /** Resolves once the schema is migrated (rejects if it cannot be). */
  whenReady(): Promise<void> {
    return this.ctx.ready;
  }

  /**
   * LISTENs on the job channel on a connection of its own; `onEvent` gets each
   * payload. The connection is re-established whenever it drops, and
   * `onReconnect` runs once LISTEN is back (to catch up on missed events).
   * Rejects if the first connection fails; it is retried in the background.
   */
  async listen(onEvent: (payload: string) => void, onReconnect?: () => void): Promise<void> {
    await this.ctx.ready;
    if (this.closed) return;
    if (this.listener !== undefined) throw new Error('the job store is already listening');
    this.listener = new PgListener({
      url: this.opts.url,
      channel: JOBS_CHANNEL,
      // The instance id's first part tells an operator (and a test) which instance's listener it is.
      applicationName: `llm-cli-gateway jobs listener ${this.instanceId.slice(0, 8)}`,
      onEvent,
      onReconnect,
      backoff: this.opts.listenerBackoff,
    });
    await this.listener.start();
  }

  /** The LISTEN connection's state (undefined before `listen`). */
  listenerStats(): PgListenerStats | undefined {
    return this.listener?.stats();
  }

  // --- the queue and the slot ledger (pg-queue.ts) ---------------------------------------

  enqueue(...args: Parameters<PgJobQueue['enqueue']>): ReturnType<PgJobQueue['enqueue']> {
    return this.queue.enqueue(...args);
  }

  claim(max: number): Promise<ClaimedJob[]> {
    return this.queue.claim(max);
  }

  acquireSync(owner: string, provider: string): Promise<{ id: string; granted: boolean }> {
    return this.queue.acquireSync(owner, provider);
  }

  releaseSync(id: string): Promise<void> {
    return this.queue.releaseSync(id);
  }

  dequeue(id: string, to: 'canceled' | 'failed', error: { code: string; message: string }): Promise<boolean> {
    return this.queue.dequeue(id, to, error);
  }

  adoptSync(...args: Parameters<PgJobQueue['adoptSync']>): Promise<JobRecord> {
    return this.queue.adoptSync(...args);
  }

  expireQueued(queueTimeoutMs: number): Promise<number> {
    return this.queue.expireQueued(queueTimeoutMs);
  }

  // --- leases, cancel, orphans (pg-leases.ts) ----------------------------------------------

  heartbeat(): Promise<string[]> {
    return this.leases.heartbeat();
  }

  /** Running jobs of this instance whose cancellation was requested (without renewing leases). */
  pendingCancels(): Promise<string[]> {
    return this.leases.pendingCancels();
  }

  requestCancel(owner: string, id: string): Promise<void> {
    return this.leases.requestCancel(owner, id);
  }

  recoverOrphans(): Promise<OrphanedJob[]> {
    return this.leases.recoverOrphans();
  }

  // --- records -------------------------------------------------------------------------------

  async create(input: {
    owner: string;
    provider: string;
    model?: string;
    requestHash: string;
  }): Promise<JobRecord> {
    const id = randomUUID();
    const { rows } = await this.ctx.q<Row>(
      `INSERT INTO gateway_jobs (id, kind, owner, provider, model, state, request_hash)
       VALUES ($1, 'job', $2, $3, $4, 'queued', $5) RETURNING ${COLUMNS}`,
      [id, input.owner, input.provider, input.model ?? null, input.requestHash],
    );
    return toRecord(rows[0]!);
  }

  async findDuplicate(owner: string, requestHash: string, windowMs: number): Promise<JobRecord | undefined> {
    if (windowMs <= 0) return undefined;
    const { rows } = await this.ctx.q<Row>(DUPLICATE_SQL, [owner, requestHash, windowMs]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async get(owner: string, id: string): Promise<JobRecord> {
    const { rows } = await this.ctx.q<Row>(
      `SELECT ${COLUMNS} FROM gateway_jobs WHERE id = $1 AND owner = $2 AND kind = 'job'`,
      [id, owner],
    );
    if (rows[0] === undefined) throw jobNotFound(id);
    return toRecord(rows[0]);
  }

  async peek(id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.ctx.q<Row>(`SELECT ${COLUMNS} FROM gateway_jobs WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(owner: string, limit = 50): Promise<JobRecord[]> {
    const { rows } = await this.ctx.q<Row>(
      `SELECT ${COLUMNS} FROM gateway_jobs WHERE owner = $1 AND kind = 'job' ORDER BY created_at DESC LIMIT $2`,
      [owner, Math.max(1, Math.min(limit, 500))],
    );
    return rows.map(toRecord);
  }

  async transition(id: string, to: JobState, fields: TransitionFields = {}): Promise<JobRecord> {
    return this.ctx.tx(async (c) => {
      const cur = await c.query<{ state: JobState }>(
        'SELECT state FROM gateway_jobs WHERE id = $1 FOR UPDATE',
        [id],
      );
      const from = cur.rows[0]?.state;
      if (from === undefined) throw jobNotFound(id);
      if (!canTransition(from, to)) {
        throw new JobError('JOB_INVALID_TRANSITION', `job ${id} cannot move from ${from} to ${to}`);
      }
      const terminal = to !== 'running';
      const { rows } = await c.query<Row>(
        `UPDATE gateway_jobs SET state = $2,
           started_at = CASE WHEN $2 = 'running' THEN clock_timestamp() ELSE started_at END,
           finished_at = CASE WHEN $3 THEN clock_timestamp() ELSE finished_at END,
           instance_id = CASE WHEN $2 = 'running' THEN $11 ELSE instance_id END,
           host = CASE WHEN $2 = 'running' THEN $12 ELSE host END,
           payload = NULL,
           pid = COALESCE($4, pid), pid_start = COALESCE($5, pid_start),
           correlation_id = COALESCE($6, correlation_id),
           error_code = COALESCE($7, error_code), error_message = COALESCE($8, error_message),
           result_json = COALESCE($9, result_json),
           lease_expires_at = clock_timestamp() + $10 * interval '1 millisecond'
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          to,
          terminal,
          fields.pid ?? null,
          fields.pidStart ?? null,
          fields.correlationId ?? null,
          fields.error?.code ?? null,
          fields.error?.message ?? null,
          fields.result === undefined ? null : JSON.stringify(fields.result),
          this.opts.leaseMs,
          this.instanceId,
          this.host,
        ],
      );
      if (terminal && from === 'running') await c.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, 'freed']);
      return toRecord(rows[0]!);
    });
  }

  async setProcess(id: string, pid: number, pidStart: string | null): Promise<void> {
    await this.ctx.q('UPDATE gateway_jobs SET pid = $2, pid_start = $3, host = $4 WHERE id = $1', [
      id,
      pid,
      pidStart,
      this.host,
    ]);
  }

  async appendOutput(id: string, stream: OutputStream, data: string): Promise<void> {
    if (data.length === 0) return;
    const column = stream === 'stdout' ? 'stdout_chars' : 'stderr_chars';
    // One statement: the counter moves and the chunk lands at its old value atomically.
    const r = await this.ctx.q(
      `WITH moved AS (
         UPDATE gateway_jobs SET ${column} = ${column} + $3 WHERE id = $1 RETURNING ${column} - $3 AS start)
       INSERT INTO gateway_job_output (job_id, stream, start, len, data) SELECT $1, $2, start, $3, $4 FROM moved`,
      [id, stream, data.length, data],
    );
    if (r.rowCount !== 1) throw jobNotFound(id);
  }

  async readOutput(
    owner: string,
    id: string,
    stream: OutputStream,
    offset: number,
    limit: number,
  ): Promise<OutputPage> {
    const job = await this.get(owner, id);
    const total = stream === 'stdout' ? job.stdoutChars : job.stderrChars;
    const start = Math.max(0, Math.min(offset, total));
    const end = Math.min(total, start + Math.max(0, limit));
    const { rows } = await this.ctx.q<{ start: string; data: string }>(
      `SELECT start, data FROM gateway_job_output WHERE job_id = $1 AND stream = $2 AND start < $3 AND start + len > $4 ORDER BY start`,
      [id, stream, end, start],
    );
    const data = rows
      .map((c) => c.data.slice(Math.max(0, start - Number(c.start)), end - Number(c.start)))
      .join('');
    return { stream, offset: start, data, nextOffset: start + data.length, total };
  }

  async close(): Promise<void> {
    this.closed = true;
    const l = this.listener;
    this.listener = undefined;
    await l?.close();
    await this.ctx.ready.catch(() => undefined);
    if (this.opts.ownsPool !== false) await this.pool.end().catch(() => undefined);
  }
}
