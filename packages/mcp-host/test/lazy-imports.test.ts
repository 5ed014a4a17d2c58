import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PRELOAD = fileURLToPath(
  new URL('../../../tools/test-support/record-loads/preload.mjs', import.meta.url),
);

/** What a process loads when it imports the package index and nothing else (issue #22). */
function modulesLoadedByIndex(): string[] {
  const log = join(mkdtempSync(join(tmpdir(), 'mcp-host-loads-')), 'loaded.txt');
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--import',
      PRELOAD,
      '--input-type=module',
      '-e',
      "const host = await import('mcp-host'); if (typeof host.serveHttp !== 'function') process.exit(9);",
    ],
    { cwd: REPO_ROOT, env: { ...process.env, RECORD_LOADS_TO: log }, encoding: 'utf8', timeout: 20_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n');
}

describe('the package index', () => {
  const loaded = modulesLoadedByIndex();

  it('is recorded (the checks below would see a regression)', () => {
    expect(loaded).toContain('# exit');
    expect(loaded.some((m) => m.endsWith('/mcp-host/src/stdio/serve-stdio.ts'))).toBe(true);
  });

  // A stdio server (started by its client at every session) imports the index too: JWT auth,
  // the HTTP host, the SDK's Streamable HTTP transport and Hono are loaded when first used.
  it('loads neither jose, the HTTP host nor Hono', () => {
    const unexpected = loaded.filter(
      (m) =>
        /\/node_modules\/(jose|hono|@hono\/node-server)\//.test(m) ||
        /\/sdk\/dist\/esm\/server\/streamableHttp\.js$/.test(m) ||
        /\/mcp-host\/src\/http\/(serve-http|mcp-endpoint)\.ts$/.test(m),
    );
    expect(unexpected).toEqual([]);
  });
});
