import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { errorMessage, GatewayError } from '../errors.js';
import { execute, prepareExecution, type ExecLimits, type PreparedExecution } from '../executor/execute.js';
import { effectiveCapability } from '../capability/effective.js';
import type { PermissionLevel, ProviderContract, ProviderRequest } from '../providers/contract.js';
import { PROVIDERS } from '../providers/registry.js';
import type { Recorder } from '../recorder/api.js';
import { redactSecrets } from '../recorder/redact.js';
import type { Session } from '../sessions/schema.js';
import type { Sessions } from '../sessions/api.js';
import { killGroupNow } from '../executor/kill.js';
import { confine, type Confinement } from '../workspaces/confine.js';
import type { WorkspaceRegistry } from '../workspaces/registry.js';
import { classifyOutcome } from './outcome.js';
import { guardResume } from './resume-guard.js';
import { RequestRecording } from './recording.js';
import { ResultCache } from './result-cache.js';
import type { Caller, GatewayRequest, RequestResult, ResultErrorCode } from './types.js';

export interface RequestServiceDeps {
  readonly sessions: Sessions;
  readonly recorder: Recorder | null;
  readonly limits: ExecLimits;
  /** The gateway's environment: PATH for binary lookup, source of allow-listed vars. */
  readonly env: NodeJS.ProcessEnv;
  /** Values never to be echoed back or stored (credential env values). */
  readonly secrets: readonly string[];
  /** Registered workspaces (config.toml); default: none. */
  readonly workspaces?: WorkspaceRegistry;
  /** Operator ceiling on timeoutMs / idleTimeoutMs (config `[limits]`); default: none. */
  readonly maxTimeoutMs?: number;
  /** Enabled cloud backends per CLI (config `[providers.<cli>] cloud`); default: none. */
  readonly cloudBackends?: Readonly<Partial<Record<string, readonly string[]>>>;
}

const NO_WORKSPACES: WorkspaceRegistry = { entries: {} };

export interface RunHooks {
  readonly signal?: AbortSignal;
  readonly onSpawn?: (pid: number) => void;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /**
   * Write the completion row in the next check phase (right after the caller
   * has sent its reply, before any new request is read) instead of before
   * returning. The MCP tools use it to keep SQLite off the reply's path.
   */
  readonly deferCompletionRecord?: boolean;
}

interface Planned {
  contract: ProviderContract;
  providerRequest: ProviderRequest;
  session?: Session;
  workingDir?: string;
  permissionLevel: PermissionLevel;
  limits: ExecLimits;
}

/** What a refused request had got as far as: recorded with the refusal. */
interface Attempted {
  readonly session?: Session;
  readonly permissionLevel?: PermissionLevel;
}

/**
 * The effective level of the whole request (mode + tool lists): an approved
 * managed launch runs claude in the gate's fixed mode, whatever the request
 * asked for, so the ceiling is checked against that mode plus the tool lists.
 */
function effectiveLevel(req: GatewayRequest, options: Record<string, unknown>): PermissionLevel {
  const managedMode = req.provider === 'claude' ? req.managed?.permissionMode : undefined;
  return effectiveCapability(req.provider, options, managedMode).level;
}

/** The level a request asked for, when its options parse: shown on its refusal row. */
function attemptedLevel(req: GatewayRequest): Attempted {
  try {
    const contract = PROVIDERS[req.provider];
    return { permissionLevel: effectiveLevel(req, contract.parseOptions(req.options)) };
  } catch {
    return {};
  }
}

/**
 * One request from admission to recorded result: the single path every sync
 * tool (and, later, async jobs) goes through. Never throws for a provider or
 * admission failure: the result carries `ok: false` and a typed error.
 */
export class RequestService {
  readonly results = new ResultCache();

  constructor(private readonly deps: RequestServiceDeps) {}

  async run(caller: Caller, req: GatewayRequest, hooks: RunHooks = {}): Promise<RequestResult> {
    const started = performance.now();
    const base = { correlationId: randomUUID(), cli: req.provider, model: req.model };
    let planned: Planned | undefined;
    let prepared: PreparedExecution | undefined;
    try {
      planned = await this.plan(caller, req);
      prepared = prepareExecution(
        planned.contract,
        planned.providerRequest,
        this.deps.env,
        this.deps.cloudBackends?.[req.provider] ?? [],
      );
    } catch (err) {
      // Refusals before spawn are recorded too: what was attempted and why it was refused.
      const attempted = planned ?? attemptedLevel(req);
      const result = this.failure(base, err, started, attempted);
      await this.recording(caller, req, base.correlationId, attempted, undefined).finish(result);
      return this.remember(caller, result);
    }
    const recording = this.recording(caller, req, base.correlationId, planned, prepared.binaryPath);
    // A remote store's start row is written before the CLI is spawned: its
    // failure may take a network timeout to show, and the CLI must not run meanwhile.
    if (this.deps.recorder?.remote === true) {
      try {
        await recording.begin();
      } catch (err) {
        const why = `flight recorder write failed, request not started: ${errorMessage(err)}`;
        return this.remember(
          caller,
          this.failure(base, new GatewayError('RECORDER_FAILED', why), started, planned),
        );
      }
    }
    // A local start row is written the moment the CLI is spawned (overlapping its
    // start-up). Fail closed: if it cannot be written, the CLI, still booting,
    // is killed at once and the request fails.
    let recorderFailure: unknown;
    let startWritten: Promise<void> = Promise.resolve();
    const onSpawn = (pid: number) => {
      startWritten = recording.begin().then(
        () => hooks.onSpawn?.(pid),
        (err: unknown) => {
          recorderFailure = err;
          killGroupNow(pid);
        },
      );
    };
    let result: RequestResult;
    try {
      result = await this.execute(caller, planned, prepared, { ...hooks, onSpawn }, base, started);
    } catch (err) {
      result = this.failure(base, err, started, planned);
    }
    // A fast CLI may finish before a remote start row lands: the outcome waits for it.
    await startWritten;
    if (recorderFailure !== undefined) {
      const why = `flight recorder write failed, request stopped: ${errorMessage(recorderFailure)}`;
      result = this.failure(base, new GatewayError('RECORDER_FAILED', why), started, planned);
      return this.remember(caller, result);
    }
    if (hooks.deferCompletionRecord === true) this.defer(() => recording.finish(result));
    else await recording.finish(result);
    return this.remember(caller, result);
  }

  /** Completion rows written after the reply went out, not yet landed. */
  private readonly pendingRecords = new Set<Promise<void>>();

  /** Runs `write` in the next check phase (after the reply is sent), tracked until it lands. */
  private defer(write: () => Promise<void>): void {
    const pending = new Promise<void>((resolve) => setImmediate(resolve)).then(write);
    this.pendingRecords.add(pending);
    void pending.finally(() => this.pendingRecords.delete(pending));
  }

  /** Waits for every deferred completion row (on shutdown, before the stores close). */
  async drain(): Promise<void> {
    while (this.pendingRecords.size > 0) await Promise.all([...this.pendingRecords]);
  }

  private recording(
    caller: Caller,
    req: GatewayRequest,
    correlationId: string,
    planned: Attempted | undefined,
    binaryPath: string | undefined,
  ): RequestRecording {
    return new RequestRecording(this.deps.recorder, {
      correlationId,
      owner: caller.id,
      transport: caller.transport,
      cli: req.provider,
      model: req.model,
      sessionId: planned?.session?.id,
      permissionLevel: planned?.permissionLevel,
      binaryPath,
      // A refused NUL byte is stored escaped, so the row shows what was attempted.
      prompt: req.prompt.replaceAll('\0', '\\0'),
    });
  }

  /**
   * The workspace and permission checks, run before a slot is taken: undefined
   * when the request may proceed, else the refusal (already recorded).
   * `run` repeats them, so a request that skipped this step is still confined.
   */
  async admit(caller: Caller, req: GatewayRequest): Promise<RequestResult | undefined> {
    const started = performance.now();
    try {
      const contract = PROVIDERS[req.provider];
      const options = contract.parseOptions(req.options);
      this.checkTimeouts(req);
      const session = await this.existingSession(caller, req);
      const confined = this.confinement(caller, req, session, effectiveLevel(req, options));
      const ws =
        confined.workspace === undefined ? undefined : this.deps.workspaces?.entries[confined.workspace];
      await guardResume(this.deps, caller, req, options, session, ws);
      return undefined;
    } catch (err) {
      const base = { correlationId: randomUUID(), cli: req.provider, model: req.model };
      const attempted = attemptedLevel(req);
      const result = this.failure(base, err, started, attempted);
      await this.recording(caller, req, base.correlationId, attempted, undefined).finish(result);
      return this.remember(caller, result);
    }
  }

  /** A request may shorten the operator's timeouts, never lengthen them past the ceiling. */
  private checkTimeouts(req: GatewayRequest): void {
    const max = this.deps.maxTimeoutMs;
    if (max === undefined) return;
    for (const [name, value] of [
      ['timeoutMs', req.timeoutMs],
      ['idleTimeoutMs', req.idleTimeoutMs],
    ] as const) {
      if (value !== undefined && value > max) {
        throw new GatewayError(
          'LIMIT_EXCEEDED',
          `${name} ${value} exceeds the operator's ceiling of ${max} ms ([limits] max_timeout_seconds / per_principal.max_timeout_seconds)`,
        );
      }
    }
  }

  private async existingSession(caller: Caller, req: GatewayRequest): Promise<Session | undefined> {
    const sessions = this.deps.sessions;
    let session: Session | undefined;
    if (req.sessionId !== undefined) session = await sessions.get(caller.id, req.sessionId);
    else if (req.useActiveSession === true) session = await sessions.active(caller.id, req.provider);
    if (session !== undefined && session.cli !== req.provider) {
      throw new GatewayError(
        'INVALID_INPUT',
        `session ${session.id} belongs to ${session.cli}, not ${req.provider}`,
      );
    }
    return session;
  }

  private confinement(
    caller: Caller,
    req: GatewayRequest,
    session: Session | undefined,
    permissionLevel: PermissionLevel,
  ): Confinement {
    return confine(this.deps.workspaces ?? NO_WORKSPACES, {
      transport: caller.transport,
      provider: req.provider,
      workspace: req.workspace,
      workingDir: req.workingDir,
      session: session === undefined ? undefined : { id: session.id, workspace: session.workspace ?? null },
      permissionLevel,
    });
  }

  /** Validates options, confines the request and resolves the session: everything that can refuse cheaply. */
  private async plan(caller: Caller, req: GatewayRequest): Promise<Planned> {
    const contract = PROVIDERS[req.provider];
    const options = contract.parseOptions(req.options);
    this.checkTimeouts(req);
    const sessions = this.deps.sessions;
    let session = await this.existingSession(caller, req);
    const permissionLevel = effectiveLevel(req, options);
    const confined = this.confinement(caller, req, session, permissionLevel);
    const ws =
      confined.workspace === undefined ? undefined : this.deps.workspaces?.entries[confined.workspace];
    await guardResume(this.deps, caller, req, options, session, ws);
    if (session === undefined && req.newSession === true) {
      session = await sessions.create(
        caller.id,
        req.provider,
        req.sessionDescription ?? '',
        true,
        confined.workspace,
      );
    }
    const resume = session?.providerSessionId ?? (session === undefined ? req.providerSessionId : undefined);
    const newSessionId =
      resume === undefined && session !== undefined && contract.supportsNewSessionId
        ? randomUUID()
        : undefined;
    const workingDir =
      confined.workingDir ?? (session !== undefined ? sessions.ensureWorkDir(session.id) : undefined);
    return {
      contract,
      session,
      workingDir,
      permissionLevel,
      limits: {
        ...this.deps.limits,
        totalTimeoutMs: Math.min(
          req.timeoutMs ?? this.deps.limits.totalTimeoutMs,
          this.deps.maxTimeoutMs ?? Infinity,
        ),
        idleTimeoutMs: Math.min(
          req.idleTimeoutMs ?? this.deps.limits.idleTimeoutMs,
          this.deps.maxTimeoutMs ?? Infinity,
        ),
      },
      providerRequest: {
        prompt: req.prompt,
        model: req.model,
        resumeSessionId: resume,
        newSessionId,
        managed: req.managed,
        options,
      },
    };
  }

  private async execute(
    caller: Caller,
    planned: Planned,
    prepared: PreparedExecution,
    hooks: RunHooks,
    base: Pick<RequestResult, 'correlationId' | 'cli' | 'model'>,
    started: number,
  ): Promise<RequestResult> {
    const req = planned.providerRequest;
    const exec = await execute(planned.contract, prepared, {
      workingDir: planned.workingDir,
      limits: planned.limits,
      ...hooks,
    });
    const parsed = planned.contract.parse({
      stdout: exec.stdout,
      stderr: exec.stderr,
      exitCode: exec.exitCode,
    });
    const error = classifyOutcome(exec, parsed, planned.contract.id);
    const providerSessionId = parsed.providerSessionId ?? req.newSessionId ?? req.resumeSessionId;
    if (planned.session !== undefined) {
      await this.deps.sessions.touch(
        caller.id,
        planned.session.id,
        error === undefined ? providerSessionId : undefined,
      );
    }
    return {
      ...base,
      ok: error === undefined,
      reply: error === undefined ? parsed.reply : '',
      sessionId: planned.session?.id,
      providerSessionId,
      usage: parsed.usage,
      costUsd: parsed.costUsd,
      exitCode: exec.exitCode,
      durationMs: Math.round(performance.now() - started),
      permissionLevel: planned.permissionLevel,
      error: error === undefined ? undefined : this.scrub(error),
    };
  }

  private scrub(error: NonNullable<RequestResult['error']>): NonNullable<RequestResult['error']> {
    const clean = (s: string) => redactSecrets(s, this.deps.secrets);
    return {
      ...error,
      message: clean(error.message),
      stderr: error.stderr === undefined ? undefined : clean(error.stderr),
    };
  }

  private failure(
    base: Pick<RequestResult, 'correlationId' | 'cli' | 'model'>,
    err: unknown,
    started: number,
    planned: Attempted | undefined,
  ): RequestResult {
    let code: ResultErrorCode = 'INTERNAL';
    let message = errorMessage(err);
    if (err instanceof GatewayError) code = err.code as ResultErrorCode;
    else if (err instanceof ZodError) {
      code = 'INVALID_INPUT';
      message = err.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    }
    return {
      ...base,
      ok: false,
      reply: '',
      sessionId: planned?.session?.id,
      exitCode: null,
      durationMs: Math.round(performance.now() - started),
      permissionLevel: planned?.permissionLevel,
      error: this.scrub({ code, message }),
    };
  }

  private remember(caller: Caller, result: RequestResult): RequestResult {
    this.results.put(caller.id, result);
    return result;
  }
}
