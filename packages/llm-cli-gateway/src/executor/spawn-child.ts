import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { Socket } from 'node:net';
import { isAbsolute, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { NativeSpawn } from 'spawn-native';
import {
  chooseSpawner,
  disableNativeSpawner,
  SPAWNER_ENV,
  SpawnerUnavailableError,
} from './spawn-backend.js';

export interface SpawnChildOptions {
  /** A path, or a name looked up on `env.PATH` (absolute entries only). */
  readonly file: string;
  readonly args: readonly string[];
  /** The child's whole environment: nothing of the gateway's own is added. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** `pipe`: the caller writes stdin; `null`: stdin is /dev/null. */
  readonly stdin: 'pipe' | 'null';
}

/**
 * The part of node's ChildProcess the executor uses. Events as node's: 'error' (not started,
 * `pid` undefined), 'exit' (code, signal), then 'close' once it has exited and stdout and stderr
 * have both closed.
 */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
}

/**
 * Starts a child with no shell, in its own session and process group (pgid == pid), with exactly
 * `env`, in `cwd`. Spawner: see chooseSpawner (native posix_spawn on Linux when built).
 * Throws SpawnerUnavailableError when LLM_GATEWAY_SPAWN asks for one that is unavailable.
 */
export function spawnChild(opts: SpawnChildOptions): ChildLike {
  const { spawner } = chooseSpawner();
  if (spawner.kind === 'native') {
    try {
      return spawnNative(spawner.api, opts);
    } catch (err) {
      if (!REFUSED_HERE.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      // pidfd_open missing (the child was killed and reaped), or clone3/posix_spawn refused by a
      // seccomp profile: node's spawn from now on, unless native was asked for explicitly.
      disableNativeSpawner(`posix_spawn or pidfd_open refused here (${(err as Error).message})`);
      if (process.env[SPAWNER_ENV] === 'native') throw new SpawnerUnavailableError((err as Error).message);
    }
  }
  return spawnWithNode(opts);
}

/** Native failures that mean "not in this kernel or sandbox" rather than "this binary cannot run". */
const REFUSED_HERE = new Set(['ENOSYS', 'EPERM']);

function spawnWithNode(opts: SpawnChildOptions): ChildLike {
  return spawn(opts.file, opts.args, {
    cwd: opts.cwd,
    env: opts.env,
    shell: false,
    detached: true,
    stdio: [opts.stdin === 'pipe' ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

class NativeChild extends EventEmitter implements ChildLike {
  pid: number | undefined;
  stdin: Writable | null = null;
  stdout: Readable | null = null;
  stderr: Readable | null = null;
  private closesNeeded = 3; // exit, stdout closed, stderr closed

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.stdin?.destroy(); // as node's ChildProcess does on exit
    this.emit('exit', code, signal);
    this.closed();
  }

  closed(): void {
    if (--this.closesNeeded === 0) this.emit('close');
  }
}

function spawnNative(api: NativeSpawn, opts: SpawnChildOptions): ChildLike {
  const child = new NativeChild();
  const envp = Object.entries(opts.env).map(([k, v]) => `${k}=${v}`);
  let fds;
  try {
    fds = api.spawn(
      resolveFile(opts.file, opts.env.PATH),
      [opts.file, ...opts.args],
      envp,
      opts.cwd,
      opts.stdin,
      (code, signal) => child.exited(code, signal),
    );
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    // Argument errors (a NUL byte) throw, as node's spawn does; ENOSYS and EPERM go back for the fallback.
    if (code.startsWith('ERR_') || REFUSED_HERE.has(code)) throw err;
    // Not started (ENOENT, EACCES...): an 'error' event after the caller subscribed, as node's.
    process.nextTick(() => child.emit('error', err));
    return child;
  }
  child.pid = fds.pid;
  child.stdout = readEnd(fds.stdout, child);
  child.stderr = readEnd(fds.stderr, child);
  if (fds.stdin >= 0) child.stdin = new Socket({ fd: fds.stdin, readable: false, writable: true });
  return child;
}

function readEnd(fd: number, child: NativeChild): Readable {
  const socket = new Socket({ fd, readable: true, writable: false });
  socket.on('close', () => child.closed());
  return socket;
}

/** execvp's lookup with the child's PATH (absolute entries only), as node's spawn does on the child's env. */
function resolveFile(file: string, path: string | undefined): string {
  if (file.includes('/')) return file;
  for (const dir of (path ?? '/usr/bin:/bin').split(':')) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, file);
    try {
      accessSync(candidate, fsConstants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  // Never the bare name: posix_spawn would take it relative to the child's cwd.
  throw Object.assign(new Error(`spawn ${file} ENOENT`), {
    code: 'ENOENT',
    errno: -2,
    syscall: `spawn ${file}`,
    path: file,
  });
}
