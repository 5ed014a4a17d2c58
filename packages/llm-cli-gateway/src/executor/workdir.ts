import { mkdtempSync, realpathSync, rm, rmdirSync, statSync } from 'node:fs';
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
    // Most CLIs leave the directory empty: one rmdir syscall, inline (no
    // thread-pool round trip). Anything left in it is removed by the
    // recursive walk in the background, so the reply does not wait for it.
    return {
      path,
      release: () => {
        try {
          rmdirSync(path);
        } catch {
          rm(path, { recursive: true, force: true, maxRetries: 2 }, () => undefined);
        }
      },
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
