import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { migrate } from '../store/pg/migrate.js';
import { openPgPool, withTransaction, type PgClient, type PgPool } from '../store/pg/pool.js';
import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { JobError, jobNotFound, SaturatedError } from './errors.js';
import { JOB_MIGRATIONS, JOBS_COMPONENT } from './pg-schema.js';
import type { SchedulerLimits } from './scheduler.js';
import { canTransition, type JobState } from './states.js';
import type { JobStoreApi } from './store-api.js';
import type { JobRecord, OrphanedJob, OutputPage, OutputStream, TransitionFields } from './store.js';

/** NOTIFY channel of the job plane: 'queued', 'freed', or 'cancel:<job id>'. */
export const JOBS_CHANNEL = 'llm_gateway_jobs';

/**
 * Every decision that depends on how many slots are taken (claim, a sync
 * slot, a submit that checks queue capacity) runs under this one
 * transaction-scoped advisory lock, counting the `running` rows of every
 * instance: the global, per-provider and per-principal limits therefore hold
 * across instances. Finishing a job needs no lock (it only frees a slot, and
 * a claim that missed it is merely conservative).
 */
const SLOTS_LOCK = 'llm-cli-gateway:jobs:slots';

interface Row {
  id: string;
  owner: string;
  provider: string;
  model: string | null;
  state: JobState;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  correlation_id: string | null;
  error_code: string | null;
  error_message: string | null;
  result_json: string | null;
  stdout_chars: string | number;
  stderr_chars: string | number;
}

const COLUMNS = `id, owner, provider, model, state, created_at, started_at, finished_at, correlation_id,
  error_code, error_message, result_json, stdout_chars, stderr_chars`;

function toRecord(r: Row): JobRecord {
  return {
    id: r.id,
    owner: r.owner,
    provider: r.provider,
    model: r.model ?? undefined,
    state: r.state,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString(),
    finishedAt: r.finished_at?.toISOString(),
    correlationId: r.correlation_id ?? undefined,
    error: r.error_code === null ? undefined : { code: r.error_code, message: r.error_message ?? '' },
    result: r.result_json === null ? undefined : (JSON.parse(r.result_json) as RequestResult),
    stdoutChars: Number(r.stdout_chars),
    stderrChars: Number(r.stderr_chars),
  };
}

/** What a queued job needs to run on whichever instance claims it. */
interface Payload {
  caller: Caller;
  request: GatewayRequest;
}

export interface ClaimedJob {
  id: string;
  kind: 'job' | 'sync';
  /** Present for kind 'job' (read from the row in the same statement that cleared it). */
  payload?: Payload;
}

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
}

type Counts = { total: number; byProvider: Map<string, number>; byOwner: Map<string, number> };

/**
 * The job store on PostgreSQL, shared by several gateway instances. Besides
 * the `JobStoreApi` it is the queue (`enqueue`, `claim`) and the slot ledger
 * of sync requests (`acquireSync`, `releaseSync`, `adoptSync`).
 */
export class PgJobStore implements JobStoreApi {
  readonly backend = 'postgres' as const;
  readonly instanceId: string;
  readonly host = hostname();
  readonly pool: PgPool;
  private readonly opts: PgJobStoreOptions;
  private readonly ready: Promise<void>;
  private listener: pg.Client | undefined;

  constructor(opts: PgJobStoreOptions) {
    this.opts = opts;
    this.pool = opts.pool ?? openPgPool(opts.url, { applicationName: 'llm-cli-gateway jobs' });
    this.instanceId = opts.instanceId ?? randomUUID();
    this.ready = migrate(this.pool, JOBS_COMPONENT, JOB_MIGRATIONS).then(() => undefined);
    this.ready.catch((err: Error) => {
      process.stderr.write(`llm-cli-gateway: job store migrations failed: ${err.message}\n`);
    });
  }

  /** Resolves once the schema is migrated (rejects if it cannot be). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  private async q<T extends pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
  ): Promise<pg.QueryResult<T>> {
    await this.ready;
    return this.pool.query<T>(sql, params);
  }

  private async tx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    await this.ready;
    return withTransaction(this.pool, fn);
  }

  private slotTurn: Promise<unknown> = Promise.resolve();

  /**
   * A transaction that takes the slots lock. They serialize in the database
   * anyway, so one instance runs them one at a time, queued here: a burst of
   * submits then waits in memory instead of holding every pooled connection
   * (and timing out on checkout) while heartbeats and reads need one.
   */
  private slotTx<T>(fn: (c: PgClient) => Promise<T>): Promise<T> {
    const run = this.slotTurn.then(() => this.tx(fn));
    this.slotTurn = run.catch(() => undefined);
    return run;
  }

  /** LISTENs on the job channel on a connection of its own; `onEvent` gets each payload. */
  async listen(onEvent: (payload: string) => void): Promise<void> {
    await this.ready;
    const client = new pg.Client({
      connectionString: this.opts.url,
      application_name: 'llm-cli-gateway jobs listener',
    });
    client.on('error', () => undefined); // reconnect is not attempted: heartbeat and polling still cover cancel/claims
    client.on('notification', (n) => {
      if (n.channel === JOBS_CHANNEL && n.payload !== undefined) onEvent(n.payload);
    });
    await client.connect();
    await client.query(`LISTEN ${JOBS_CHANNEL}`);
    this.listener = client;
  }

  // --- the queue and the slot ledger -------------------------------------------------

  private async lockAndCount(c: PgClient): Promise<Counts> {
    await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [SLOTS_LOCK]);
    const { rows } = await c.query<{ provider: string; owner: string; n: number }>(
      `SELECT provider, owner, count(*)::int AS n FROM gateway_jobs WHERE state = 'running' GROUP BY provider, owner`,
    );
    const counts: Counts = { total: 0, byProvider: new Map(), byOwner: new Map() };
    for (const r of rows) {
      counts.total += r.n;
      counts.byProvider.set(r.provider, (counts.byProvider.get(r.provider) ?? 0) + r.n);
      counts.byOwner.set(r.owner, (counts.byOwner.get(r.owner) ?? 0) + r.n);
    }
    return counts;
  }

  private fits(counts: Counts, provider: string, owner: string): boolean {
    const l = this.opts.limits;
    return (
      counts.total < l.maxConcurrent &&
      (counts.byProvider.get(provider) ?? 0) < (l.perProvider[provider] ?? l.maxConcurrent) &&
      (l.perPrincipal === undefined || (counts.byOwner.get(owner) ?? 0) < l.perPrincipal)
    );
  }

  private take(counts: Counts, provider: string, owner: string): void {
    counts.total++;
    counts.byProvider.set(provider, (counts.byProvider.get(provider) ?? 0) + 1);
    counts.byOwner.set(owner, (counts.byOwner.get(owner) ?? 0) + 1);
  }

  /** Refuses (retryable) when the queue, or this owner's share of it, is full. */
  private async checkQueueRoom(c: PgClient, counts: Counts, provider: string, owner: string): Promise<void> {
    const l = this.opts.limits;
    const { rows } = await c.query<{ total: number; mine: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE owner = $1)::int AS mine
         FROM gateway_jobs WHERE state = 'queued'`,
      [owner],
    );
    const { total, mine } = rows[0]!;
    const retry = Math.max(1, Math.ceil(l.queueTimeoutMs / 10_000));
    if (l.perPrincipalQueue !== undefined && mine >= l.perPrincipalQueue)
      throw new SaturatedError(`of your (${owner})`, retry);
    if (total >= l.maxQueue)
      throw new SaturatedError(counts.total >= l.maxConcurrent ? 'gateway' : provider, retry);
  }

  private runningSet(): string {
    return `state = 'running', instance_id = $2, host = $3, payload = NULL, started_at = clock_timestamp(),
      lease_expires_at = clock_timestamp() + $4 * interval '1 millisecond'`;
  }

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
    return this.slotTx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `llm-cli-gateway:dedup:${caller.id}:${hash}`,
      ]);
      if (!opts.forceRefresh && opts.dedupWindowMs > 0) {
        const dup = await c.query<Row>(
          `SELECT ${COLUMNS} FROM gateway_jobs WHERE kind = 'job' AND owner = $1 AND request_hash = $2
             AND created_at >= clock_timestamp() - $3 * interval '1 millisecond'
             AND state IN ('queued','running','completed') ORDER BY created_at DESC LIMIT 1`,
          [caller.id, hash, opts.dedupWindowMs],
        );
        if (dup.rows[0] !== undefined)
          return { job: toRecord(dup.rows[0]), deduplicated: true, claimed: false };
      }
      const counts = await this.lockAndCount(c);
      const id = randomUUID();
      const runHere = this.fits(counts, request.provider, caller.id);
      if (runHere) {
        await c.query(
          `INSERT INTO gateway_jobs (id, kind, owner, provider, model, state, request_hash, instance_id, host, started_at, lease_expires_at)
           VALUES ($1, 'job', $5, $6, $7, 'running', $8, $2, $3, clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')`,
          [
            id,
            this.instanceId,
            this.host,
            this.opts.leaseMs,
            caller.id,
            request.provider,
            request.model ?? null,
            hash,
          ],
        );
      } else {
        await this.checkQueueRoom(c, counts, request.provider, caller.id);
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
    return this.slotTx(async (c) => {
      const counts = await this.lockAndCount(c);
      if (counts.total >= this.opts.limits.maxConcurrent) return [];
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
        [this.instanceId],
      );
      const picked: ClaimedJob[] = [];
      for (const r of rows) {
        if (picked.length >= max) break;
        if (!this.fits(counts, r.provider, r.owner)) continue;
        if (r.kind === 'job' && r.payload === null) continue; // cannot run without its request
        this.take(counts, r.provider, r.owner);
        picked.push({ id: r.id, kind: r.kind, payload: r.payload ?? undefined });
      }
      if (picked.length > 0) {
        await c.query(`UPDATE gateway_jobs SET ${this.runningSet()} WHERE id = ANY($1)`, [
          picked.map((p) => p.id),
          this.instanceId,
          this.host,
          this.opts.leaseMs,
        ]);
      }
      return picked;
    });
  }

  /** A slot for a sync request: `running` now, or `queued` (pinned here) until `claim` grants it. */
  async acquireSync(owner: string, provider: string): Promise<{ id: string; granted: boolean }> {
    return this.slotTx(async (c) => {
      const counts = await this.lockAndCount(c);
      const id = randomUUID();
      const granted = this.fits(counts, provider, owner);
      if (!granted) await this.checkQueueRoom(c, counts, provider, owner);
      await c.query(
        `INSERT INTO gateway_jobs (id, kind, owner, provider, state, request_hash, instance_id, host, started_at, lease_expires_at)
         VALUES ($1, 'sync', $5, $6, $7, '', $2, $3, CASE WHEN $7 = 'running' THEN clock_timestamp() END,
                 clock_timestamp() + $4 * interval '1 millisecond')`,
        [id, this.instanceId, this.host, this.opts.leaseMs, owner, provider, granted ? 'running' : 'queued'],
      );
      return { id, granted };
    });
  }

  /** Frees a sync slot (the request finished): kept as a record of when it held the slot. */
  async releaseSync(id: string): Promise<void> {
    await this.q(
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
    const r = await this.q(
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
    const { rows } = await this.q<Row>(
      `UPDATE gateway_jobs SET kind = 'job', request_hash = $2, model = $3, pid = COALESCE($4, pid), pid_start = COALESCE($5, pid_start)
        WHERE id = $1 AND kind = 'sync' AND state = 'running' AND instance_id = $6 RETURNING ${COLUMNS}`,
      [id, hash, model ?? null, pid ?? null, pidStart, this.instanceId],
    );
    if (rows[0] === undefined)
      throw new JobError('JOB_INVALID_TRANSITION', `slot ${id} is no longer running here`);
    return toRecord(rows[0]);
  }

  /** Fails queued async jobs that waited longer than the queue timeout (any instance may do it). */
  async expireQueued(queueTimeoutMs: number): Promise<number> {
    const r = await this.q(
      `UPDATE gateway_jobs SET state = 'failed', payload = NULL, finished_at = clock_timestamp(),
          error_code = 'QUEUE_TIMEOUT', error_message = $2
        WHERE state = 'queued' AND kind = 'job' AND created_at < clock_timestamp() - $1 * interval '1 millisecond'`,
      [queueTimeoutMs, `waited ${Math.round(queueTimeoutMs / 1000)} s for a free slot; retry later`],
    );
    return r.rowCount ?? 0;
  }

  // --- JobStoreApi ----------------------------------------------------------------------

  async create(input: {
    owner: string;
    provider: string;
    model?: string;
    requestHash: string;
  }): Promise<JobRecord> {
    const id = randomUUID();
    const { rows } = await this.q<Row>(
      `INSERT INTO gateway_jobs (id, kind, owner, provider, model, state, request_hash)
       VALUES ($1, 'job', $2, $3, $4, 'queued', $5) RETURNING ${COLUMNS}`,
      [id, input.owner, input.provider, input.model ?? null, input.requestHash],
    );
    return toRecord(rows[0]!);
  }

  async findDuplicate(owner: string, requestHash: string, windowMs: number): Promise<JobRecord | undefined> {
    if (windowMs <= 0) return undefined;
    const { rows } = await this.q<Row>(
      `SELECT ${COLUMNS} FROM gateway_jobs WHERE kind = 'job' AND owner = $1 AND request_hash = $2
         AND created_at >= clock_timestamp() - $3 * interval '1 millisecond'
         AND state IN ('queued','running','completed') ORDER BY created_at DESC LIMIT 1`,
      [owner, requestHash, windowMs],
    );
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async get(owner: string, id: string): Promise<JobRecord> {
    const { rows } = await this.q<Row>(
      `SELECT ${COLUMNS} FROM gateway_jobs WHERE id = $1 AND owner = $2 AND kind = 'job'`,
      [id, owner],
    );
    if (rows[0] === undefined) throw jobNotFound(id);
    return toRecord(rows[0]);
  }

  async peek(id: string): Promise<JobRecord | undefined> {
    const { rows } = await this.q<Row>(`SELECT ${COLUMNS} FROM gateway_jobs WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toRecord(rows[0]);
  }

  async list(owner: string, limit = 50): Promise<JobRecord[]> {
    const { rows } = await this.q<Row>(
      `SELECT ${COLUMNS} FROM gateway_jobs WHERE owner = $1 AND kind = 'job' ORDER BY created_at DESC LIMIT $2`,
      [owner, Math.max(1, Math.min(limit, 500))],
    );
    return rows.map(toRecord);
  }

  async transition(id: string, to: JobState, fields: TransitionFields = {}): Promise<JobRecord> {
    return this.tx(async (c) => {
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
    await this.q('UPDATE gateway_jobs SET pid = $2, pid_start = $3, host = $4 WHERE id = $1', [
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
    const r = await this.q(
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
    const { rows } = await this.q<{ start: string; data: string }>(
      `SELECT start, data FROM gateway_job_output WHERE job_id = $1 AND stream = $2 AND start < $3 AND start + len > $4 ORDER BY start`,
      [id, stream, end, start],
    );
    const data = rows
      .map((c) => c.data.slice(Math.max(0, start - Number(c.start)), end - Number(c.start)))
      .join('');
    return { stream, offset: start, data, nextOffset: start + data.length, total };
  }

  /**
   * Lease renewal and orphan recovery go over the listener's own connection
   * when there is one: a pool busy with a burst of submits must not delay a
   * heartbeat past the lease (another instance would orphan live jobs).
   */
  private async control<T extends pg.QueryResultRow>(
    text: string,
    params: unknown[],
  ): Promise<pg.QueryResult<T>> {
    await this.ready;
    const l = this.listener;
    if (l !== undefined) {
      try {
        return await l.query<T>(text, params);
      } catch {
        // fall back to the pool below
      }
    }
    return this.pool.query<T>(text, params);
  }

  async heartbeat(): Promise<string[]> {
    const { rows } = await this.control<{ id: string; cancel_requested: boolean }>(
      `UPDATE gateway_jobs SET lease_expires_at = clock_timestamp() + $2 * interval '1 millisecond'
        WHERE instance_id = $1 AND state IN ('queued','running') RETURNING id, cancel_requested`,
      [this.instanceId, this.opts.leaseMs],
    );
    return rows.filter((r) => r.cancel_requested).map((r) => r.id);
  }

  /**
   * Cancel from any instance: a queued job is canceled right here; a running
   * one is flagged and its instance is told over NOTIFY (with the heartbeat's
   * flag check as the fallback if the notification is missed).
   */
  async requestCancel(owner: string, id: string): Promise<void> {
    await this.tx(async (c) => {
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
      [this.instanceId],
    );
    if (rows.length > 0) await this.control('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, 'freed']);
    return rows.map((r) => ({ id: r.id, pid: r.pid, pidStart: r.pid_start, host: r.host }));
  }

  async close(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    await this.ready.catch(() => undefined);
    if (this.opts.ownsPool !== false) await this.pool.end().catch(() => undefined);
  }
}
