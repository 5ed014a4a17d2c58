import { describe, expect, it } from 'vitest';
import { modulesLoadedBy } from '../../../tools/test-support/record-loads/run.js';

/** Every module one `closegate-engine <args>` run loads (ESM and CommonJS), from source. */
const loadedByCli = (args: string[]): string[] =>
  modulesLoadedBy(['packages/closegate-engine/src/cli/main.ts', ...args]);

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
    const loaded = loadedByCli(['--version']);
    // the record works: the CLI's own entry point is in it
    expect(loaded.some((m) => m.endsWith('/closegate-engine/src/cli/main.ts'))).toBe(true);
    for (const pattern of ONLY_FOR_MCP_AND_EVAL) expect(loaded.filter((m) => pattern.test(m))).toEqual([]);
  });

  it('`mcp serve --check` still loads the MCP server (the check above would see it)', () => {
    const loaded = loadedByCli(['mcp', 'serve', '--check']);
    expect(loaded.some((m) => /\/closegate-engine\/src\/mcp\/serve\.ts$/.test(m))).toBe(true);
    expect(loaded.some((m) => /\/@modelcontextprotocol\/sdk\/dist\/esm\/server\/mcp\.js$/.test(m))).toBe(
      true,
    );
  });
});
