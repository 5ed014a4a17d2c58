import { createRequire } from 'node:module';

/** What `spawn` hands back: the child's pid and the parent's ends of its stdio pipes. */
export interface NativeChild {
  readonly pid: number;
  /** Write end of the child's stdin pipe, or -1 when stdin is /dev/null. */
  readonly stdin: number;
  readonly stdout: number;
  readonly stderr: number;
}

export type NativeExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export interface NativeSpawn {
  /**
   * posix_spawn of `file` (a path: no PATH search, no shell) with exactly `argv` and `envp`
   * ("K=V"), in `cwd`, in a new session (pgid == pid), every signal at its default and none
   * blocked, only fds 0-2 inherited. Throws an Error with `code` = errno name (ENOENT, EACCES,
   * ENOSYS when pidfd_open is missing or refused by seccomp) and message `spawn <file> <CODE>`.
   */
  spawn(
    file: string,
    argv: readonly string[],
    envp: readonly string[],
    cwd: string,
    stdinMode: 'pipe' | 'null',
    onExit: NativeExitListener,
  ): NativeChild;
  /** kill(-pgid, signal): 0 or the errno (ESRCH when the group is gone); never throws. */
  signalGroup(pgid: number, signal: number): number;
}

let loaded: NativeSpawn | undefined;
let failure: string | undefined;

/** The compiled addon, or undefined when it is not built or this is not Linux. */
export function loadNativeSpawn(): NativeSpawn | undefined {
  if (loaded !== undefined || failure !== undefined) return loaded;
  if (process.platform !== 'linux') {
    failure = `${process.platform} is not Linux`;
    return undefined;
  }
  try {
    // Same relative path from src/ (tests, source condition) and dist/ (built package).
    loaded = createRequire(import.meta.url)('../build/Release/spawn_native.node') as NativeSpawn;
  } catch (err) {
    failure = `addon not loadable: ${(err as Error).message.split('\n')[0]}`;
  }
  return loaded;
}

/** Why loadNativeSpawn() returned undefined (for diagnostics), or undefined when it loaded. */
export function nativeSpawnUnavailableReason(): string | undefined {
  loadNativeSpawn();
  return failure;
}
