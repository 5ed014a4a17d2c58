import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../config/paths.js';

/**
 * A stable private working directory for a session that has no explicit
 * workingDir: CLIs key their own session storage by cwd, so resuming needs
 * the same directory every time. Always on local disk, whatever stores the sessions.
 */
export function sessionWorkDir(home: string, id: string): string {
  return join(home, 'workdirs', id);
}

export function ensureSessionWorkDir(home: string, id: string): string {
  ensurePrivateDir(join(home, 'workdirs'));
  const dir = sessionWorkDir(home, id);
  ensurePrivateDir(dir);
  return dir;
}

export function removeSessionWorkDir(home: string, id: string): void {
  rmSync(sessionWorkDir(home, id), { recursive: true, force: true });
}
