import { groupAlive, killGroup } from '../executor/kill.js';
import { redactSecrets } from '../recorder/redact.js';
import type { RunHooks } from '../service/request-service.js';
import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { JobError } from './errors.js';
import { OutputCapture } from './output-capture.js';
import { processStartTime } from './process-identity.js';
import { requestHash } from './request-hash.js';
import type { SlotScheduler, Slot } from './scheduler.js';
import { isTerminal, type JobState } from './states.js';
import type { JobRecord, JobStore, OutputPage, OutputStream } from './store.js';

/** What runs one request: the core's RequestService.run, or a stub in tests. */
export type JobRunner = (caller: Caller, request: GatewayRequest, hooks: RunHooks) => Promise<RequestResult>;

export interface JobManagerOptions {
  readonly store: JobStore;
  readonly scheduler: SlotScheduler;
  readonly run: JobRunner;
  readonly dedupWindowMs: number;
  readonly leaseMs: number;
  /** Credential values redacted from stored output and results. */
  readonly secrets?: readonly string[];
  /** Grace between SIGTERM and SIGKILL when killing an orphaned process group. */
  readonly killGraceMs?: number;
}

/** A request already running outside the job manager, handed over by `adopt`. */
export interface RunningRequest {
  readonly controller: AbortController;
  readonly done: Promise<RequestResult>;
  readonly pid?: number;
  /** Output produced before the hand-over. */
  readonly captured: ReadonlyArray<readonly [OutputStream, string]>;
  /** Routes further output to the job. */
  attach(sink: (stream: OutputStream, chunk: string) => void): void;
}

export interface SubmitResult {
  job: JobRecord;
  /** True when an identical request of the same owner within the window was returned instead. */
  deduplicated: boolean;
}

interface InFlight {
  controller: AbortController;
  /** The in-memory result (unredacted, for the caller's own sync wait); undefined if it never ran. */
  done: Promise<RequestResult | undefined>;
}

export interface JobResultPage {
  job: JobRecord;
  page: OutputPage;
}

/** The stored copy of a result: reply and error text pass through secret redaction. */
function redactResult(result: RequestResult, secrets: readonly string[]): RequestResult {
  const clean = (t: string) => redactSecrets(t, secrets);
  const error = result.error;
  return {
    ...result,
    reply: clean(result.reply),
    error:
      error === undefined
        ? undefined
        : {
            ...error,
            message: clean(error.message),
            stderr: error.stderr === undefined ? undefined : clean(error.stderr),
          },
  };
}

/**
 * Durable async jobs: dedup, scheduling, output capture, cancellation, lease
 * heartbeat and orphan recovery. Every client-facing method takes the owner
 * bound by the transport and answers "not found" for anyone else's job.
 */
export class JobManager {
  private readonly inflight = new Map<string, InFlight>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: JobManagerOptions) {}

  get store(): JobStore {
    return this.opts.store;
  }

  /** Recovers orphans left by dead instances, then renews leases and re-checks periodically. */
  start(): void {
    void this.recoverOrphans();
    const beat = Math.max(50, Math.floor(this.opts.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => this.heartbeat(), beat);
    this.heartbeatTimer.unref();
    this.recoveryTimer = setInterval(() => void this.recoverOrphans(), Math.max(100, this.opts.leaseMs));
    this.recoveryTimer.unref();
  }

  /**
   * Queues a request as a job owned by `caller`. Throws `SaturatedError`
   * (retryable) without creating a job when every slot is busy and the queue is full.
   */
  submit(caller: Caller, request: GatewayRequest, opts: { forceRefresh?: boolean } = {}): SubmitResult {
    const hash = requestHash(request);
    if (opts.forceRefresh !== true) {
      const existing = this.opts.store.findDuplicate(caller.id, hash, this.opts.dedupWindowMs);
      if (existing !== undefined) return { job: existing, deduplicated: true };
    }
    const controller = new AbortController();
    // Throws synchronously when saturated, before any row exists.
    const slot = this.opts.scheduler.acquire(request.provider, controller.signal, caller.id);
    const job = this.opts.store.create({
      owner: caller.id,
      provider: request.provider,
      model: request.model,
      requestHash: hash,
    });
    const done = this.execute(job.id, caller, request, slot, controller);
    this.inflight.set(job.id, { controller, done });
    void done.finally(() => this.inflight.delete(job.id));
    return { job, deduplicated: false };
  }

  /**
   * Turns a request that is already running (a sync request past its
   * deadline) into a job of `caller`: output captured so far is persisted, the
   * rest streams in through `attach`, and cancel / orphan recovery apply as
   * for any job. Returns the job, already `running`.
   */
  adopt(caller: Caller, request: GatewayRequest, running: RunningRequest): JobRecord {
    const job = this.opts.store.create({
      owner: caller.id,
      provider: request.provider,
      model: request.model,
      requestHash: requestHash(request),
    });
    this.opts.store.transition(job.id, 'running', {
      pid: running.pid,
      pidStart: running.pid === undefined ? null : processStartTime(running.pid),
    });
    const capture = new OutputCapture(this.opts.store, job.id, this.opts.secrets ?? []);
    for (const [stream, chunk] of running.captured) capture.push(stream, chunk);
    running.attach((stream, chunk) => capture.push(stream, chunk));
    const done = running.done.then(
      (result) => {
        capture.flush();
        this.settle(job.id, result, running.controller);
        return result;
      },
      (err: unknown) => {
        capture.flush();
        this.finish(job.id, 'failed', { error: { code: 'INTERNAL', message: (err as Error).message } });
        return undefined;
      },
    );
    this.inflight.set(job.id, { controller: running.controller, done });
    void done.finally(() => this.inflight.delete(job.id));
    return this.opts.store.peek(job.id)!;
  }

  status(owner: string, id: string): JobRecord {
    return this.opts.store.get(owner, id);
  }

  list(owner: string, limit?: number): JobRecord[] {
    return this.opts.store.list(owner, limit);
  }

  result(owner: string, id: string, stream: OutputStream, offset: number, limit: number): JobResultPage {
    const page = this.opts.store.readOutput(owner, id, stream, offset, limit);
    return { job: this.opts.store.get(owner, id), page };
  }

  /**
   * Cancels the caller's job: a queued job leaves the queue, a running job's
   * process group is killed through the executor's AbortSignal. A job held by
   * another live instance is flagged; that instance cancels it at its next heartbeat.
   */
  async cancel(owner: string, id: string): Promise<JobRecord> {
    const job = this.opts.store.get(owner, id);
    if (isTerminal(job.state)) return job;
    const local = this.inflight.get(id);
    if (local !== undefined) {
      local.controller.abort();
      await local.done;
    } else {
      this.opts.store.requestCancel(owner, id);
    }
    return this.opts.store.get(owner, id);
  }

  /**
   * Waits up to `ms` for a job of this process to finish. Returns the
   * in-memory result, or undefined when it is still running (the caller then
   * hands out the job id instead).
   */
  async waitFor(id: string, ms: number): Promise<RequestResult | undefined> {
    const local = this.inflight.get(id);
    if (local === undefined) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([local.done, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops timers and cancels this instance's jobs (their process groups are killed). */
  async close(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.recoveryTimer);
    const pending = [...this.inflight.values()];
    pending.forEach((f) => f.controller.abort());
    await Promise.allSettled(pending.map((f) => f.done));
  }

  heartbeat(): void {
    try {
      for (const id of this.opts.store.heartbeat()) this.inflight.get(id)?.controller.abort();
    } catch {
      // A busy database must not crash the gateway; the next beat retries.
    }
  }

  /** Marks expired jobs of dead instances orphaned and kills their process groups if still alive. */
  async recoverOrphans(): Promise<string[]> {
    let orphans;
    try {
      orphans = this.opts.store.recoverOrphans();
    } catch {
      return [];
    }
    const kills: Promise<void>[] = [];
    for (const o of orphans) {
      // Only when the pid still names the process that was recorded (no recycled pid).
      if (
        o.pid !== null &&
        o.pidStart !== null &&
        processStartTime(o.pid) === o.pidStart &&
        groupAlive(o.pid)
      ) {
        kills.push(killGroup(o.pid, this.opts.killGraceMs ?? 2000));
      }
    }
    await Promise.all(kills);
    return orphans.map((o) => o.id);
  }

  private async execute(
    id: string,
    caller: Caller,
    request: GatewayRequest,
    slotWait: Promise<Slot>,
    controller: AbortController,
  ): Promise<RequestResult | undefined> {
    let slot: Slot;
    try {
      slot = await slotWait;
    } catch (err) {
      const aborted = controller.signal.aborted;
      this.finish(id, aborted ? 'canceled' : 'failed', {
        error: aborted
          ? { code: 'CANCELED', message: 'job canceled while queued' }
          : { code: err instanceof JobError ? err.code : 'INTERNAL', message: (err as Error).message },
      });
      return undefined;
    }
    try {
      return await this.runSlot(id, caller, request, controller);
    } finally {
      slot.release();
    }
  }

  private async runSlot(id: string, caller: Caller, request: GatewayRequest, controller: AbortController) {
    if (controller.signal.aborted) {
      this.finish(id, 'canceled', { error: { code: 'CANCELED', message: 'job canceled before it started' } });
      return undefined;
    }
    try {
      this.opts.store.transition(id, 'running');
    } catch {
      return undefined; // no longer queued (e.g. orphaned by another instance): do not run it
    }
    const secrets = this.opts.secrets ?? [];
    const capture = new OutputCapture(this.opts.store, id, secrets);
    let result: RequestResult;
    try {
      result = await this.opts.run(caller, request, {
        signal: controller.signal,
        onSpawn: (pid) => this.opts.store.setProcess(id, pid, processStartTime(pid)),
        onOutput: (stream, chunk) => capture.push(stream, chunk),
      });
    } catch (err) {
      capture.flush();
      this.finish(id, 'failed', { error: { code: 'INTERNAL', message: (err as Error).message } });
      return undefined;
    }
    capture.flush();
    this.settle(id, result, controller);
    return result;
  }

  private settle(id: string, result: RequestResult, controller: AbortController): void {
    const canceled = controller.signal.aborted || result.error?.code === 'CANCELED';
    const state: JobState = result.ok ? 'completed' : canceled ? 'canceled' : 'failed';
    const stored = redactResult(result, this.opts.secrets ?? []);
    this.finish(id, state, { result: stored, correlationId: result.correlationId, error: stored.error });
  }

  private finish(id: string, state: JobState, fields: Parameters<JobStore['transition']>[2]): void {
    try {
      this.opts.store.transition(id, state, fields);
    } catch {
      // Already terminal (e.g. marked orphaned by another instance after a missed heartbeat): keep that.
    }
  }
}
