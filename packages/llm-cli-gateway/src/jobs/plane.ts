import { join } from 'node:path';
import { APPROVALS_DB } from '../approval/decision-log.js';
import { gatedRunner, type Runner } from '../approval/gated-runner.js';
import { ApprovalManager } from '../approval/manager.js';
import type { GatewayConfig } from '../config/file.js';
import type { RunHooks } from '../service/request-service.js';
import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { JobManager } from './manager.js';
import { PgJobManager } from './pg-manager.js';
import { PgJobStore } from './pg-store.js';
import type { JobRuntime } from './runtime.js';
import { SlotScheduler, type Slot, type SlotGate } from './scheduler.js';
import { SqliteJobStore } from './sqlite-store.js';
import type { JobRecord, OutputStream } from './store.js';

export type SyncOutcome = { kind: 'result'; result: RequestResult } | { kind: 'deferred'; job: JobRecord };

/**
 * Everything between a tool call and the core's request service: the approval
 * gate, the concurrency limits, and (when a durable store is configured) the
 * async job manager. `jobs` is null with `backend = "none"`, and the async
 * tools are registered only when it is not. With `[store] backend =
 * "postgres"` both the slots and the jobs live in the shared database
 * (pg-manager.ts), so the limits hold across every gateway instance.
 */
export interface RequestPlane {
  readonly scheduler: SlotGate;
  readonly jobs: JobRuntime | null;
  readonly approvals: ApprovalManager;
  /** The gated runner (approval decided before launch). */
  readonly run: Runner;
  readonly syncDeadlineMs: number;
  /** Workspace and permission-ceiling checks before a slot: a recorded refusal, or undefined to proceed. */
  admit(caller: Caller, request: GatewayRequest): Promise<RequestResult | undefined>;
  /** A sync request: inline result, or a job id when it outlives the deadline (async enabled only). */
  runSync(caller: Caller, request: GatewayRequest, hooks?: RunHooks): Promise<SyncOutcome>;
  /** Settles when the job store is usable (its PostgreSQL migrations applied); rejects if it never will be. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface RequestPlaneOptions {
  readonly config: GatewayConfig;
  readonly home: string;
  /** The core's single request path (RequestService.run). */
  readonly run: Runner;
  /** The core's pre-slot checks (RequestService.admit); default: none. */
  readonly admit?: (caller: Caller, request: GatewayRequest) => Promise<RequestResult | undefined>;
  readonly secrets: readonly string[];
  readonly killGraceMs?: number;
}

export function createRequestPlane(opts: RequestPlaneOptions): RequestPlane {
  const { config } = opts;
  const l = config.limits;
  const limits = {
    maxConcurrent: l.maxConcurrent,
    perProvider: l.perProvider,
    maxQueue: l.maxQueue,
    queueTimeoutMs: l.queueTimeoutMs,
    perPrincipal: l.perPrincipal.maxConcurrent,
    perPrincipalQueue: l.perPrincipal.maxQueued,
  };
  let scheduler: SlotGate = new SlotScheduler(limits);
  const approvals = new ApprovalManager({
    dbPath: join(opts.home, APPROVALS_DB),
    threshold: config.approval.threshold,
    claudePermissionMode: config.approval.claudePermissionMode,
    eligibleServers: config.mcpServers,
  });
  const run = gatedRunner(approvals, config.approval.strategy, opts.run);
  let jobs: JobRuntime | null = null;
  let ready: Promise<void> = Promise.resolve();
  if (config.persistence.backend === 'sqlite' && config.store.backend === 'postgres') {
    const store = new PgJobStore({
      url: config.store.url,
      leaseMs: l.jobLeaseMs,
      limits,
    });
    const pgJobs = new PgJobManager({
      store,
      limits,
      run,
      dedupWindowMs: l.dedupWindowMs,
      leaseMs: l.jobLeaseMs,
      secrets: opts.secrets,
      killGraceMs: opts.killGraceMs,
    });
    scheduler = pgJobs.slots;
    ready = store.whenReady();
    jobs = pgJobs;
    jobs.start();
  } else if (config.persistence.backend === 'sqlite' && config.persistence.path !== null) {
    const store = new SqliteJobStore(config.persistence.path, { leaseMs: l.jobLeaseMs });
    jobs = new JobManager({
      store,
      scheduler: scheduler as SlotScheduler,
      run,
      dedupWindowMs: l.dedupWindowMs,
      leaseMs: l.jobLeaseMs,
      secrets: opts.secrets,
      killGraceMs: opts.killGraceMs,
    });
    jobs.start();
  }
  const manager = jobs;
  const admit = opts.admit ?? (async () => undefined);

  async function runSync(
    caller: Caller,
    request: GatewayRequest,
    hooks: RunHooks = {},
  ): Promise<SyncOutcome> {
    // Refused before a slot is taken: a confined request never queues behind others.
    const refused = await admit(caller, request);
    if (refused !== undefined) return { kind: 'result', result: refused };
    const slot = await scheduler.acquire(request.provider, hooks.signal, caller.id);
    if (manager === null || l.syncDeadlineMs <= 0) {
      try {
        const onSpawn = (p: number) => {
          slot.onSpawn?.(p);
          hooks.onSpawn?.(p);
        };
        return { kind: 'result', result: await run(caller, request, { ...hooks, onSpawn }) };
      } finally {
        slot.release();
      }
    }
    return runDeferrable(manager, slot, caller, request, hooks);
  }

  /**
   * Runs inline; if the request outlives the sync deadline it is handed to the
   * job manager (output so far included) and the caller gets the job instead.
   * Quick requests never touch the SQLite job store; on PostgreSQL their only
   * trace is the content-free slot row that made them count against the limits.
   */
  async function runDeferrable(
    jobs: JobRuntime,
    slot: Slot,
    caller: Caller,
    request: GatewayRequest,
    hooks: RunHooks,
  ): Promise<SyncOutcome> {
    const controller = new AbortController();
    const onClientAbort = () => controller.abort();
    hooks.signal?.addEventListener('abort', onClientAbort, { once: true });
    const captured: Array<[OutputStream, string]> = [];
    let sink: ((stream: OutputStream, chunk: string) => void) | undefined;
    let pid: number | undefined;
    const done = run(caller, request, {
      signal: controller.signal,
      deferCompletionRecord: hooks.deferCompletionRecord,
      onSpawn: (p) => {
        pid = p;
        slot.onSpawn?.(p);
        hooks.onSpawn?.(p);
      },
      onOutput: (stream, chunk) => {
        if (sink !== undefined) sink(stream, chunk);
        else captured.push([stream, chunk]);
        hooks.onOutput?.(stream, chunk);
      },
    }).finally(() => slot.release());
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), l.syncDeadlineMs);
    });
    try {
      const result = await Promise.race([done, deadline]);
      if (result !== undefined) return { kind: 'result', result };
    } finally {
      clearTimeout(timer);
      // From here on the job outlives the client's sync call: only llm_job_cancel stops it.
      hooks.signal?.removeEventListener('abort', onClientAbort);
    }
    const job = await jobs.adopt(caller, request, {
      controller,
      done,
      pid,
      captured,
      slot,
      attach: (s) => {
        sink = s;
      },
    });
    return { kind: 'deferred', job };
  }

  return {
    scheduler,
    jobs,
    approvals,
    run,
    syncDeadlineMs: l.syncDeadlineMs,
    admit,
    runSync,
    ready,
    close: async () => {
      await manager?.close();
      await manager?.store.close();
      approvals.close();
    },
  };
}
