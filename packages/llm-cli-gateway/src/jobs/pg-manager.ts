import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { processStartTime } from './process-identity.js';
import type { PgJobStore } from './pg-store.js';
import { PgSlot, PgSyncSlots } from './pg-sync-slots.js';
import { requestHash } from './request-hash.js';
import { JobRuntime, type JobRuntimeOptions, type RunningRequest, type SubmitResult } from './runtime.js';
import type { SchedulerLimits, SchedulerStats, SlotGate } from './scheduler.js';
import { isTerminal } from './states.js';
import type { JobRecord } from './store.js';

export interface PgJobManagerOptions extends JobRuntimeOptions {
  readonly store: PgJobStore;
  readonly limits: SchedulerLimits;
  /** Most rows one claim takes (spreads a burst over the instances); default 4. */
  readonly claimBatch?: number;
  /** Fallback poll of the queue when no notification arrives; default 1000 ms. */
  readonly pollMs?: number;
}

/**
 * The job plane of several gateway instances on one PostgreSQL database.
 *
 * Design: the `gateway_jobs` table is the queue and the ledger of every slot,
 * async jobs and sync requests alike. A slot is taken only under one
 * advisory lock that counts `running` rows of all instances, so the global,
 * per-provider and per-principal limits are the database's, not a process's.
 * - submit: dedup under an advisory lock on owner + request hash; run here at
 *   once if a slot is free, else queue the row with its payload;
 * - claim: on NOTIFY ('queued', 'freed') or a poll, any instance claims the
 *   oldest queued rows that fit (FOR UPDATE SKIP LOCKED), clearing the
 *   payload as it takes it, and runs them;
 * - sync requests insert a row pinned to this instance (running, or queued
 *   until this instance's claim grants it) and mark it completed when done;
 *   one that outlives the sync deadline becomes a job by flipping its kind;
 * - leases are renewed by heartbeat; another instance orphans expired rows
 *   and kills the recorded process group if it is on its host with the
 *   same pid start time;
 * - cancel from any instance: a queued row is canceled in place, a running
 *   one is flagged and its instance told over NOTIFY.
 */
export class PgJobManager extends JobRuntime {
  private readonly pg: PgJobStore;
  private readonly sync: PgSyncSlots;
  private dispatching = false;
  private dispatchAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastExpiry = 0;
  /**
   * Cancels of jobs running here requested by another instance, by how they
   * were noticed (the heartbeat's flag check, the last resort, is not counted).
   */
  readonly cancelsNoticed = { byNotification: 0, byReconnectCheck: 0 };
  /** Catch-ups done after the LISTEN connection came back. */
  reconnectChecks = 0;
  /** Sync requests' slots, accounted in the database. */
  readonly slots: SlotGate;

  constructor(private readonly pgOpts: PgJobManagerOptions) {
    super(pgOpts);
    this.pg = pgOpts.store;
    this.sync = new PgSyncSlots(this.pg, pgOpts.limits.queueTimeoutMs, () => this.dispatch());
    this.slots = {
      acquire: (provider, signal, owner = '') => this.sync.acquire(provider, signal, owner),
      stats: () => this.localStats(),
    };
  }

  override start(): void {
    super.start();
    this.pg
      .listen(
        (event) => {
          if (event.startsWith('cancel:')) {
            if (this.abortLocal(event.slice(7))) this.cancelsNoticed.byNotification++;
          } else this.dispatch();
        },
        () => void this.catchUp(),
      )
      .catch((err: Error) =>
        process.stderr.write(`llm-cli-gateway: job notifications unavailable: ${err.message}\n`),
      );
    this.pollTimer = setInterval(() => this.dispatch(), this.pgOpts.pollMs ?? 1000);
    this.pollTimer.unref();
    this.dispatch();
  }

  async submit(
    caller: Caller,
    request: GatewayRequest,
    opts: { forceRefresh?: boolean } = {},
  ): Promise<SubmitResult> {
    const { job, deduplicated, claimed } = await this.pg.enqueue(caller, request, requestHash(request), {
      dedupWindowMs: this.opts.dedupWindowMs,
      forceRefresh: opts.forceRefresh === true,
    });
    if (claimed) this.launch(job.id, caller, request);
    return { job, deduplicated };
  }

  async adopt(caller: Caller, request: GatewayRequest, running: RunningRequest): Promise<JobRecord> {
    const pidStart = running.pid === undefined ? null : processStartTime(running.pid);
    const slot = running.slot;
    if (slot instanceof PgSlot && !slot.released) {
      slot.adopted = true; // from now on the job's end frees the row
      try {
        const job = await this.pg.adoptSync(
          slot.rowId,
          requestHash(request),
          request.model,
          running.pid,
          pidStart,
        );
        this.followAdopted(job.id, running);
        return job;
      } catch {
        slot.adopted = false;
        slot.release();
      }
    }
    // No slot row to convert (it ended meanwhile): record a fresh job for what keeps running.
    const job = await this.pg.create({
      owner: caller.id,
      provider: request.provider,
      model: request.model,
      requestHash: requestHash(request),
    });
    await this.pg.transition(job.id, 'running', { pid: running.pid, pidStart });
    this.followAdopted(job.id, running);
    return (await this.pg.peek(job.id))!;
  }

  /**
   * Cancels the caller's job wherever it runs. A job of another instance is
   * flagged and notified; this call then waits (bounded) for that instance to
   * record the outcome, so the answer is usually already `canceled`.
   */
  async cancel(owner: string, id: string): Promise<JobRecord> {
    const job = await this.pg.get(owner, id);
    if (isTerminal(job.state)) return job;
    const local = this.localAbort(id);
    if (local !== undefined) {
      await local;
      return this.pg.get(owner, id);
    }
    await this.pg.requestCancel(owner, id);
    const until = Date.now() + (this.opts.killGraceMs ?? 2000) + this.opts.leaseMs + 2000;
    let now = await this.pg.get(owner, id);
    while (!isTerminal(now.state) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      now = await this.pg.get(owner, id);
    }
    return now;
  }

  override async close(): Promise<void> {
    clearInterval(this.pollTimer);
    this.sync.failAll();
    await super.close();
  }

  /**
   * The LISTEN connection is back after a drop: notifications sent meanwhile
   * are lost. Cancels of jobs running here are re-read from their flags (the
   * heartbeat would find them too, but only a third of a lease later), and the
   * queue is claimed from as if 'queued' / 'freed' had arrived.
   */
  private async catchUp(): Promise<void> {
    if (this.closed) return;
    try {
      for (const id of await this.pg.pendingCancels())
        if (this.abortLocal(id)) this.cancelsNoticed.byReconnectCheck++;
    } catch {
      // The database went away again: the next reconnect or heartbeat checks again.
    }
    this.reconnectChecks++;
    this.dispatch();
  }

  /** Aborts a job running here; false when it is not here or already aborted. */
  private abortLocal(id: string): boolean {
    const c = this.inflight.get(id)?.controller;
    if (c === undefined || c.signal.aborted) return false;
    c.abort();
    return true;
  }

  /** Claims what fits, repeatedly, one claim at a time per instance. */
  dispatch(): void {
    if (this.closed) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    void this.dispatchLoop().finally(() => {
      this.dispatching = false;
      if (this.dispatchAgain && !this.closed) {
        this.dispatchAgain = false;
        this.dispatch();
      }
    });
  }

  private async dispatchLoop(): Promise<void> {
    const batch = this.pgOpts.claimBatch ?? 4;
    try {
      if (Date.now() - this.lastExpiry >= 1000) {
        this.lastExpiry = Date.now();
        await this.pg.expireQueued(this.pgOpts.limits.queueTimeoutMs);
      }
      for (;;) {
        if (this.closed) return;
        const claimed = await this.pg.claim(batch);
        for (const c of claimed) {
          if (c.kind === 'sync') this.sync.grant(c.id);
          else if (c.payload !== undefined) {
            this.launch(c.id, c.payload.caller, c.payload.request);
          }
        }
        if (claimed.length < batch) return;
      }
    } catch {
      // The database is unreachable or busy: the next notification or poll retries.
    }
  }

  private localStats(): SchedulerStats {
    return { running: this.inflight.size, queued: this.sync.waiting, runningByProvider: {} };
  }

  private launch(id: string, caller: Caller, request: GatewayRequest): void {
    const controller = new AbortController();
    const done: Promise<RequestResult | undefined> = this.runClaimed(id, caller, request, controller);
    this.track(id, controller, done);
  }
}
