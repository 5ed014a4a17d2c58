import { groupAlive, killGroup } from './kill.js';
import { OutputCollector, type StreamName } from './output.js';
import { SpawnerUnavailableError } from './spawn-backend.js';
import { spawnChild, type ChildLike } from './spawn-child.js';

export type StopReason = 'total-timeout' | 'idle-timeout' | 'output-cap' | 'canceled' | 'fatal-output';

export interface RunOptions {
  readonly binaryPath: string;
  readonly args: readonly string[];
  readonly stdin: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly totalTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Combined stdout + stderr bytes kept; the process group is killed when exceeded. */
  readonly outputCapBytes: number;
  readonly killGraceMs: number;
  readonly signal?: AbortSignal;
  /** Called per complete stdout line; a returned message stops the run (e.g. endless reconnects). */
  readonly fatalLine?: (line: string) => string | undefined;
  readonly onSpawn?: (pid: number) => void;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

export interface RunResult {
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly stopped?: StopReason;
  readonly stopMessage?: string;
  readonly truncated: boolean;
  readonly spawnError?: string;
}

/** After the CLI exits, how long its stdio may stay open (held by a leftover grandchild). */
const DRAIN_AFTER_EXIT_MS = 200;

/**
 * Runs one CLI: no shell, its own session and process group (pgid == pid), stdin written
 * then closed, total and idle timeouts, output cap and cancellation, each of
 * which kills the whole group. Never rejects: failures are in the result.
 */
export function runProcess(opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const output = new OutputCollector(opts.outputCapBytes, opts.onOutput, opts.fatalLine);
    let stopped: StopReason | undefined;
    let stopMessage: string | undefined;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    let settled = false;
    let killing: Promise<void> | undefined;

    // Nothing to write: stdin is /dev/null (EOF at once, as an empty closed
    // pipe gives) instead of a pipe, one handle and stream fewer per request.
    let child: ChildLike;
    try {
      child = spawnChild({
        file: opts.binaryPath,
        args: opts.args,
        env: opts.env,
        cwd: opts.cwd,
        stdin: opts.stdin !== '' ? 'pipe' : 'null',
      });
    } catch (err) {
      if (!(err instanceof SpawnerUnavailableError)) throw err;
      const empty = {
        pid: undefined,
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        truncated: false,
      };
      resolve({ ...empty, durationMs: performance.now() - started, spawnError: err.message });
      return;
    }
    const pid = child.pid;

    const timers: NodeJS.Timeout[] = [];
    let idleTimer: NodeJS.Timeout | undefined;
    const clearTimers = () => {
      timers.forEach(clearTimeout);
      if (idleTimer) clearTimeout(idleTimer);
    };

    const stop = (reason: StopReason, message?: string) => {
      if (stopped !== undefined || settled) return;
      stopped = reason;
      stopMessage = message;
      if (pid !== undefined) killing = killGroup(pid, opts.killGraceMs);
    };

    const finish = (spawnError?: string) => {
      if (settled) return;
      settled = true;
      clearTimers();
      opts.signal?.removeEventListener('abort', onAbort);
      const done = () => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({
          pid,
          exitCode,
          signal: exitSignal,
          stdout: output.text('stdout'),
          stderr: output.text('stderr'),
          durationMs: performance.now() - started,
          stopped,
          stopMessage,
          truncated: output.truncated,
          spawnError,
        });
      };
      // Leftovers of the group (a backgrounded grandchild) never outlive the request.
      if (pid !== undefined && killing === undefined && groupAlive(pid))
        killing = killGroup(pid, opts.killGraceMs);
      if (killing) void killing.then(done);
      else done();
    };

    const armIdle = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => stop('idle-timeout'), opts.idleTimeoutMs);
    };

    const onAbort = () => stop('canceled');

    const take = (stream: StreamName, chunk: Buffer) => {
      armIdle();
      const verdict = output.take(stream, chunk);
      if (verdict?.reason === 'output-cap') stop('output-cap');
      else if (verdict?.reason === 'fatal-output') stop('fatal-output', verdict.message);
    };

    child.on('error', (e) => finish(e.message));
    child.stdout?.on('data', (c: Buffer) => take('stdout', c));
    child.stderr?.on('data', (c: Buffer) => take('stderr', c));
    child.on('exit', (code, sig) => {
      exitCode = code;
      exitSignal = sig;
      timers.push(setTimeout(() => finish(), DRAIN_AFTER_EXIT_MS));
    });
    child.on('close', () => finish());

    if (pid === undefined) return; // 'error' follows
    opts.onSpawn?.(pid);
    timers.push(setTimeout(() => stop('total-timeout'), opts.totalTimeoutMs));
    armIdle();
    if (opts.signal?.aborted) stop('canceled');
    else opts.signal?.addEventListener('abort', onAbort, { once: true });

    if (child.stdin !== null) {
      child.stdin.on('error', () => undefined); // a CLI that never reads stdin closes it early
      child.stdin.end(opts.stdin);
    }
  });
}
