import { mkdtempSync, realpathSync, rm, rmdir, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { GatewayError } from '../errors.js';
import { assertNoNul } from './admission.js';

export interface WorkDir {
  readonly path: string;
  /** Removes the directory when the gateway created it for this request. */
  release(): void;
}

/**
 * The child's cwd: an explicit existing absolute directory (symlinks resolved),
 * or a fresh private (0700) temp dir removed afterwards. Never the gateway's
 * own cwd by accident.
 */
export function prepareWorkDir(requested: string | undefined): WorkDir {
  if (requested === undefined) {
    const path = mkdtempSync(join(tmpdir(), 'llm-gw-'));
    // Removed in the background: the reply does not wait for it. Most CLIs
    // leave the directory empty, so one rmdir does; the recursive walk (an
    // lstat and a readdir per entry) runs only when something was left in it.
    return {
      path,
      release: () =>
        rmdir(path, (err) => {
          if (err !== null) rm(path, { recursive: true, force: true, maxRetries: 2 }, () => undefined);
        }),
    };
  }
  assertNoNul('workingDir', requested);
  if (!isAbsolute(requested)) {
    throw new GatewayError(
      'BAD_WORKING_DIR',
      `workingDir must be an absolute path, got ${JSON.stringify(requested)}`,
    );
  }
  let real: string;
  try {
    real = realpathSync(requested);
  } catch {
    throw new GatewayError('BAD_WORKING_DIR', `workingDir ${requested} does not exist`);
  }
  if (!statSync(real).isDirectory())
    throw new GatewayError('BAD_WORKING_DIR', `workingDir ${requested} is not a directory`);
  return { path: real, release: () => undefined };
}
