// Runs one node process from source with the record-loads preload and returns every module it
// loaded (ESM resolutions and CommonJS modules), one per line, ending with '# exit'. Used by the
// start-up tests that keep optional subsystems (JWT, HTTP, PostgreSQL, the MCP server) off paths
// that do not use them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PRELOAD = fileURLToPath(new URL('./preload.mjs', import.meta.url));

/** `node --conditions=source --import tsx <args>` in the repository root; throws unless it exits 0. */
export function modulesLoadedBy(args: readonly string[]): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'record-loads-')), 'loaded.txt');
  const run = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--import', PRELOAD, ...args],
    { cwd: REPO_ROOT, env: { ...process.env, RECORD_LOADS_TO: log }, encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return readFileSync(log, 'utf8').split('\n');
}
