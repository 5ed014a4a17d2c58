import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { JobError } from './errors.js';
import { processStartTime } from './process-identity.js';
import { requestHash } from './request-hash.js';
import { JobRuntime, type JobRuntimeOptions, type RunningRequest, type SubmitResult } from './runtime.js';
import type { Slot, SlotScheduler } from './scheduler.js';
import { isTerminal } from './states.js';
import type { JobRecord } from './store.js';

export {
  JobRuntime,
  redactResult,
  type JobResultPage,
  type JobRunner,
  type RunningRequest,
  type SubmitResult,
} from './runtime.js';

export interface JobManagerOptions extends JobRuntimeOptions {
  readonly scheduler: SlotScheduler;
}

/**
 * Durable async jobs of one gateway process (the SQLite plane): dedup,
 * in-memory scheduling, output capture, cancellation, lease heartbeat and
 * orphan recovery. Every client-facing method takes the owner bound by the
 * transport and answers "not found" for anyone else's job.
 */
export class JobManager extends JobRuntime {
  constructor(private readonly managerOpts: JobManagerOptions) {
    super(managerOpts);
  }

  /**
   * Queues a request as a job owned by `caller`. Rejects with `SaturatedError`
   * (retryable) without creating a job when every slot is busy and the queue is full.
   */
  async submit(
    caller: Caller,
    request: GatewayRequest,
    opts: { forceRefresh?: boolean } = {},
  ): Promise<SubmitResult> {
    const hash = requestHash(request);
    if (opts.forceRefresh !== true) {
      const existing = await this.store.findDuplicate(caller.id, hash, this.opts.dedupWindowMs);
      if (existing !== undefined) return { job: existing, deduplicated: true };
    }
    const controller = new AbortController();
    // Throws synchronously when saturated, before any row exists.
    const slot = this.managerOpts.scheduler.acquire(request.provider, controller.signal, caller.id);
    slot.catch(() => undefined); // observed in execute(); never an unhandled rejection meanwhile
    let job: JobRecord;
    try {
      job = await this.store.create({
        owner: caller.id,
        provider: request.provider,
        model: request.model,
        requestHash: hash,
      });
    } catch (err) {
      controller.abort();
      void slot.then(
        (s) => s.release(),
        () => undefined,
      );
      throw err;
    }
    const done = this.execute(job.id, caller, request, slot, controller);
    this.track(job.id, controller, done);
    return { job, deduplicated: false };
  }

  /**
   * Turns a request that is already running (a sync request past its
   * deadline) into a job of `caller`: output captured so far is persisted, the
   * rest streams in through `attach`, and cancel / orphan recovery apply as
   * for any job. Returns the job, already `running`.
   */
  async adopt(caller: Caller, request: GatewayRequest, running: RunningRequest): Promise<JobRecord> {
    const job = await this.store.create({
      owner: caller.id,
      provider: request.provider,
      model: request.model,
      requestHash: requestHash(request),
    });
    await this.store.transition(job.id, 'running', {
      pid: running.pid,
      pidStart: running.pid === undefined ? null : processStartTime(running.pid),
    });
    this.followAdopted(job.id, running);
    return (await this.store.peek(job.id))!;
  }

  /**
   * Cancels the caller's job: a queued job leaves the queue, a running job's
   * process group is killed through the executor's AbortSignal. A job held by
   * another live instance is flagged; that instance cancels it at its next heartbeat.
   */
  async cancel(owner: string, id: string): Promise<JobRecord> {
    const job = await this.store.get(owner, id);
    if (isTerminal(job.state)) return job;
    const local = this.localAbort(id);
    if (local !== undefined) await local;
    else await this.store.requestCancel(owner, id);
    return this.store.get(owner, id);
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
      await this.finish(id, aborted ? 'canceled' : 'failed', {
        error: aborted
          ? { code: 'CANCELED', message: 'job canceled while queued' }
          : { code: err instanceof JobError ? err.code : 'INTERNAL', message: (err as Error).message },
      });
      return undefined;
    }
    try {
      if (controller.signal.aborted) {
        await this.finish(id, 'canceled', {
          error: { code: 'CANCELED', message: 'job canceled before it started' },
        });
        return undefined;
      }
      try {
        await this.store.transition(id, 'running');
      } catch {
        return undefined; // no longer queued (e.g. orphaned by another instance): do not run it
      }
      return await this.runClaimed(id, caller, request, controller);
    } finally {
      slot.release();
    }
  }
}
