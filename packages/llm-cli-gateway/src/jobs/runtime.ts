import { hostname } from 'node:os';
import { groupAlive, killGroup } from '../executor/kill.js';
import { redactSecrets } from '../recorder/redact.js';
import type { RunHooks } from '../service/request-service.js';
import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { OutputCapture } from './output-capture.js';
import { processStartTime } from './process-identity.js';
import type { Slot } from './scheduler.js';
import type { JobStoreApi } from './store-api.js';
import { isTerminal, type JobState } from './states.js';
import type { JobRecord, OrphanedJob, OutputPage, OutputStream, TransitionFields } from './store.js';

/** What runs one request: the core's RequestService.run, or a stub in tests. */
export type JobRunner = (caller: Caller, request: GatewayRequest, hooks: RunHooks) => Promise<RequestResult>;

/** A request already running outside the job manager, handed over by `adopt`. */
export interface RunningRequest {
  readonly controller: AbortController;
  readonly done: Promise<RequestResult>;
  readonly pid?: number;
  /** Output produced before the hand-over (read after any await, so late chunks are included). */
  readonly captured: ReadonlyArray<readonly [OutputStream, string]>;
  /** Routes further output to the job. */
  attach(sink: (stream: OutputStream, chunk: string) => void): void;
  /** The concurrency slot the request holds (the PostgreSQL plane turns its slot row into the job). */
  readonly slot?: Slot;
}

export interface SubmitResult {
  job: JobRecord;
  /** True when an identical request of the same owner within the window was returned instead. */
  deduplicated: boolean;
}

export interface JobResultPage {
  job: JobRecord;
  page: OutputPage;
}

export interface JobRuntimeOptions {
  readonly store: JobStoreApi;
  readonly run: JobRunner;
  readonly dedupWindowMs: number;
  readonly leaseMs: number;
  /** Credential values redacted from stored output and results. */
  readonly secrets?: readonly string[];
  /** Grace between SIGTERM and SIGKILL when killing an orphaned process group. */
  readonly killGraceMs?: number;
}

interface InFlight {
  controller: AbortController;
  /** The in-memory result (unredacted, for the caller's own sync wait); undefined if it never ran. */
  done: Promise<RequestResult | undefined>;
}

/** The stored copy of a result: reply and error text pass through secret redaction. */
export function redactResult(result: RequestResult, secrets: readonly string[]): RequestResult {
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
 * What both job planes share: running a claimed job with output capture,
 * adopting a running sync request, owner-checked reads, lease heartbeat and
 * orphan clean-up. How a job gets a slot (in-memory scheduler on SQLite, the
 * database on PostgreSQL) is the subclass's business.
 */
export abstract class JobRuntime {
  protected readonly inflight = new Map<string, InFlight>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private recoveryTimer: NodeJS.Timeout | undefined;
  protected closed = false;

  constructor(protected readonly opts: JobRuntimeOptions) {}

  get store(): JobStoreApi {
    return this.opts.store;
  }

  abstract submit(
    caller: Caller,
    request: GatewayRequest,
    opts?: { forceRefresh?: boolean },
  ): Promise<SubmitResult>;
  abstract adopt(caller: Caller, request: GatewayRequest, running: RunningRequest): Promise<JobRecord>;
  abstract cancel(owner: string, id: string): Promise<JobRecord>;

  /** Recovers orphans left by dead instances, then renews leases and re-checks periodically. */
  start(): void {
    void this.recoverOrphans();
    const beat = Math.max(50, Math.floor(this.opts.leaseMs / 3));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), beat);
    this.heartbeatTimer.unref();
    this.recoveryTimer = setInterval(() => void this.recoverOrphans(), Math.max(100, this.opts.leaseMs));
    this.recoveryTimer.unref();
  }

  status(owner: string, id: string): Promise<JobRecord> {
    return this.opts.store.get(owner, id);
  }

  list(owner: string, limit?: number): Promise<JobRecord[]> {
    return this.opts.store.list(owner, limit);
  }

  async result(
    owner: string,
    id: string,
    stream: OutputStream,
    offset: number,
    limit: number,
  ): Promise<JobResultPage> {
    const page = await this.opts.store.readOutput(owner, id, stream, offset, limit);
    return { job: await this.opts.store.get(owner, id), page };
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
    this.closed = true;
    clearInterval(this.heartbeatTimer);
    clearInterval(this.recoveryTimer);
    const pending = [...this.inflight.values()];
    pending.forEach((f) => f.controller.abort());
    await Promise.allSettled(pending.map((f) => f.done));
  }

  async heartbeat(): Promise<void> {
    try {
      for (const id of await this.opts.store.heartbeat()) this.inflight.get(id)?.controller.abort();
    } catch {
      // A busy database must not crash the gateway; the next beat retries.
    }
  }

  /** Marks expired jobs of dead instances orphaned and kills their process groups if still alive here. */
  async recoverOrphans(): Promise<string[]> {
    let orphans: OrphanedJob[];
    try {
      orphans = await this.opts.store.recoverOrphans();
    } catch {
      return [];
    }
    const here = hostname();
    const kills: Promise<void>[] = [];
    for (const o of orphans) {
      // Only on the host it ran on, and only when the pid still names the
      // process that was recorded (same kernel start time: no recycled pid).
      if (
        (o.host === undefined || o.host === here) &&
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

  /** Registers a local execution so cancel, heartbeat and close can reach it. */
  protected track(id: string, controller: AbortController, done: Promise<RequestResult | undefined>): void {
    this.inflight.set(id, { controller, done });
    void done.finally(() => this.inflight.delete(id));
  }

  protected localAbort(id: string): Promise<RequestResult | undefined> | undefined {
    const local = this.inflight.get(id);
    if (local === undefined) return undefined;
    local.controller.abort();
    return local.done;
  }

  /** Runs a job already `running` in the store: output captured, result settled. */
  protected async runClaimed(
    id: string,
    caller: Caller,
    request: GatewayRequest,
    controller: AbortController,
  ): Promise<RequestResult | undefined> {
    const secrets = this.opts.secrets ?? [];
    const capture = new OutputCapture(this.opts.store, id, secrets);
    let result: RequestResult;
    try {
      result = await this.opts.run(caller, request, {
        signal: controller.signal,
        onSpawn: (pid) =>
          void this.opts.store.setProcess(id, pid, processStartTime(pid)).catch(() => undefined),
        onOutput: (stream, chunk) => capture.push(stream, chunk),
      });
    } catch (err) {
      await capture.flush();
      await this.finish(id, 'failed', { error: { code: 'INTERNAL', message: (err as Error).message } });
      return undefined;
    }
    await capture.flush();
    await this.settle(id, result, controller);
    return result;
  }

  /** Streams an adopted request's output into job `id` (already running) and settles it when done. */
  protected followAdopted(id: string, running: RunningRequest): void {
    const capture = new OutputCapture(this.opts.store, id, this.opts.secrets ?? []);
    for (const [stream, chunk] of running.captured) capture.push(stream, chunk);
    running.attach((stream, chunk) => capture.push(stream, chunk));
    const done = running.done.then(
      async (result) => {
        await capture.flush();
        await this.settle(id, result, running.controller);
        return result;
      },
      async (err: unknown) => {
        await capture.flush();
        await this.finish(id, 'failed', { error: { code: 'INTERNAL', message: (err as Error).message } });
        return undefined;
      },
    );
    this.track(id, running.controller, done);
  }

  protected async settle(id: string, result: RequestResult, controller: AbortController): Promise<void> {
    const canceled = controller.signal.aborted || result.error?.code === 'CANCELED';
    const state: JobState = result.ok ? 'completed' : canceled ? 'canceled' : 'failed';
    const stored = redactResult(result, this.opts.secrets ?? []);
    await this.finish(id, state, {
      result: stored,
      correlationId: result.correlationId,
      error: stored.error,
    });
  }

  protected async finish(id: string, state: JobState, fields: TransitionFields): Promise<void> {
    try {
      await this.opts.store.transition(id, state, fields);
    } catch {
      // Already terminal (e.g. marked orphaned by another instance after a missed heartbeat): keep that.
    }
  }

  /** The job now, or (for a terminal job) as it stands: cancel's common answer. */
  protected static terminal(job: JobRecord): boolean {
    return isTerminal(job.state);
  }
}
