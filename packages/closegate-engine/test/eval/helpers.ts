import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../src/cli/io.js';

export function tempDir(prefix = 'closegate-evaltest-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A captured CLI io rooted at `cwd`. */
export function captureIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env,
    stderrIsTty: false,
    cwd,
  };
}
