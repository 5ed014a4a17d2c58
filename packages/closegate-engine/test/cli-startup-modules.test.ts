import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirsRemovedAfterAll } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const PRELOAD = path.join(ROOT, 'tools/test-support/record-loads/preload.mjs');
const newDir = tempDirsRemovedAfterAll();

/** Every module one `closegate-engine <args>` run loads (ESM and CommonJS), from source. */
function modulesLoadedBy(args: string[]): string[] {
  const log = path.join(newDir(), 'loaded.txt');
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--import',
      PRELOAD,
      'packages/closegate-engine/src/cli/main.ts',
      ...args,
    ],
    { cwd: ROOT, env: { ...process.env, RECORD_LOADS_TO: log }, encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n');
}

/** What only `mcp serve` and `eval` use: loading it for every command cost ~0.15 s and ~25 MB per start. */
const ONLY_FOR_MCP_AND_EVAL = [
  // the SDK's server and client (with ajv and the JSON-schema converters); mcp-host's stdio pieces are small
  /\/@modelcontextprotocol\/sdk\/dist\/esm\/(server\/(mcp|index)|client\/index)\.js$/,
  /\/node_modules\/ajv(-formats)?\//,
  /\/closegate-engine\/src\/mcp\/serve\.ts$/,
  /\/closegate-engine\/src\/eval\/runEval\.ts$/,
  /\/closegate-engine\/src\/eval\/soc2\/monitor\.ts$/,
];

describe('closegate-engine start-up', () => {
  it('a command other than mcp or eval loads neither the MCP SDK nor the eval harness', () => {
    const loaded = modulesLoadedBy(['--version']);
    // the record works: the CLI's own entry point is in it
    expect(loaded.some((m) => m.endsWith('/closegate-engine/src/cli/main.ts'))).toBe(true);
    for (const pattern of ONLY_FOR_MCP_AND_EVAL) expect(loaded.filter((m) => pattern.test(m))).toEqual([]);
  });

  it('`mcp serve --check` still loads the MCP server (the check above would see it)', () => {
    const loaded = modulesLoadedBy(['mcp', 'serve', '--check']);
    expect(loaded.some((m) => /\/closegate-engine\/src\/mcp\/serve\.ts$/.test(m))).toBe(true);
    expect(loaded.some((m) => /\/@modelcontextprotocol\/sdk\/dist\/esm\/server\/mcp\.js$/.test(m))).toBe(
      true,
    );
  });
});
