import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEnv, REPO_ROOT, tempDir, waitFor } from './helpers/env.js';

const PRELOAD = fileURLToPath(
  new URL('../../../tools/test-support/record-loads/preload.mjs', import.meta.url),
);

/**
 * Modules only the HTTP transport, JWT auth or the PostgreSQL store use
 * (issue #22): an MCP client starts a stdio gateway at every session, so each
 * of them would be start-up time and resident memory for nothing.
 */
const NOT_ON_STDIO = [
  /\/node_modules\/jose\//,
  /\/node_modules\/pg(-[a-z-]+)?\//,
  /\/node_modules\/@hono\/node-server\//,
  /\/node_modules\/hono\//,
  /\/sdk\/dist\/esm\/server\/streamableHttp\.js$/,
  /\/mcp-host\/src\/http\/serve-http\.ts$/,
  /\/llm-cli-gateway\/src\/transport\/http\.ts$/,
];

let loaded: string[] = [];
const tmp = tempDir('gw-startup-');

beforeAll(async () => {
  const log = join(tmp.dir, 'loaded.txt');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      '--conditions=source',
      '--import',
      'tsx',
      '--import',
      PRELOAD,
      'packages/llm-cli-gateway/src/cli/main.ts',
    ],
    cwd: REPO_ROOT,
    env: { ...fakeEnv(tmp.dir), RECORD_LOADS_TO: log } as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'startup-test', version: '1.0.0' });
  await client.connect(transport); // initialize
  await client.listTools();
  await client.close(); // stdin ends: the gateway shuts down and the preload writes the CJS modules
  await waitFor(() => existsSync(log) && readFileSync(log, 'utf8').includes('# exit'), 10_000);
  loaded = readFileSync(log, 'utf8').split('\n');
});

afterAll(() => tmp.cleanup());

describe('a stdio start (default SQLite store)', () => {
  it('records what it loads, ESM and CommonJS (the check below would see a regression)', () => {
    expect(loaded).toContain('# exit');
    expect(loaded.some((m) => m.endsWith('/sdk/dist/esm/server/stdio.js'))).toBe(true);
    expect(loaded.some((m) => m.includes('/node_modules/better-sqlite3/') && !m.startsWith('file:'))).toBe(
      true,
    );
  });

  it('loads neither jose, pg, Hono nor the HTTP transport', () => {
    const unexpected = loaded.filter((m) => NOT_ON_STDIO.some((re) => re.test(m)));
    expect(unexpected).toEqual([]);
  });
});
