import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A private temp directory (0700) for the eval databases; `dispose` removes
 * it with everything inside, whatever happened.
 */
export interface Workspace {
  readonly dir: string;
  /** A fresh database path inside the workspace. */
  dbPath(name: string): string;
  dispose(): void;
}

export function createWorkspace(prefix = 'closegate-eval-'): Workspace {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o700);
  let n = 0;
  return {
    dir,
    dbPath: (name) => path.join(dir, `${String(++n).padStart(4, '0')}-${name.replace(/[^\w.-]/g, '_')}.db`),
    dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fixed, advancing clock so eval runs do not depend on wall time. */
export function evalClock(start = '2026-04-02T12:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 1000));
}
