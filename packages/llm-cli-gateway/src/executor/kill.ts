import { constants } from 'node:os';
import { nativeGroupSignaller } from './spawn-backend.js';

/** True while any process of the group led by `pgid` is alive. */
export function groupAlive(pgid: number): boolean {
  // The native kill returns ESRCH instead of throwing it: no exception per request.
  const native = nativeGroupSignaller();
  if (native !== undefined) {
    const rc = native(pgid, 0);
    return rc === 0 || rc === constants.errno.EPERM;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
}

/**
 * Kills the whole process group (the CLI and everything it spawned): SIGTERM,
 * then SIGKILL after `graceMs` if any member is still alive. Resolves when the
 * group is gone or SIGKILL has been sent.
 */
export function killGroup(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  return new Promise((resolve) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (!groupAlive(pgid)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started >= graceMs) {
        clearInterval(poll);
        signalGroup(pgid, 'SIGKILL');
        resolve();
      }
    }, 25);
  });
}

/** Immediate SIGKILL of the whole group, for a CLI that must not run at all. */
export function killGroupNow(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}
