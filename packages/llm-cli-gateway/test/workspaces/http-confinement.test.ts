import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { jsonOf } from '../helpers/mcp-client.js';
import type { HttpGateway } from '../http/http-gateway.js';
import {
  callError,
  markerLines,
  recordedRows,
  startMarkedGateway,
  workspaceTree,
  workspacesToml,
} from './helpers.js';

const recordedCodes = (home: string) => recordedRows(home).map((r) => r.code);

describe('an HTTP gateway with no workspace registered', () => {
  let gw: HttpGateway;
  let alice: Client;
  let marker: string;
  beforeAll(async () => {
    ({ gw, marker, alice } = await startMarkedGateway(`[workspaces]\n`, 'ok'));
  });
  afterAll(async () => gw?.close());

  it('refuses every request (sync and async) before spawn, naming the fix', async () => {
    const sync = await callError(alice, 'claude_request', { prompt: 'hi' });
    expect(sync.code).toBe('WORKSPACE_REQUIRED');
    expect(sync.message).toMatch(/workspace add/);
    const named = await callError(alice, 'codex_request', { prompt: 'hi', workspace: 'nope' });
    expect(named.code).toBe('WORKSPACE_UNKNOWN');
    const job = await callError(alice, 'gemini_request_async', { prompt: 'hi' });
    expect(job.code).toBe('WORKSPACE_REQUIRED');
    const session = await callError(alice, 'session_create', { cli: 'claude' });
    expect(session.code).toBe('WORKSPACE_REQUIRED');
    expect(markerLines(marker)).toEqual([]);
    expect(recordedCodes(gw.home)).toEqual(['WORKSPACE_REQUIRED', 'WORKSPACE_UNKNOWN', 'WORKSPACE_REQUIRED']);
  });
});

describe('HTTP callers are confined to their workspace', () => {
  let gw: HttpGateway;
  let alice: Client;
  let marker: string;
  const tree = workspaceTree();
  beforeAll(async () => {
    ({ gw, marker, alice } = await startMarkedGateway(
      workspacesToml(tree, { defaultAlias: 'a' }),
      'echo-argv',
    ));
  });
  afterAll(async () => {
    await gw?.close();
    tree.cleanup();
  });

  const attempts: Array<[string, string, string]> = [
    ['parent', '..', 'WORKSPACE_ESCAPE'],
    ['dot-dot escape', '../outside', 'WORKSPACE_ESCAPE'],
    ['dot-dot through a subdirectory', 'sub/../../outside', 'WORKSPACE_ESCAPE'],
    ['deep dot-dot', 'sub/../../../../../../etc', 'WORKSPACE_ESCAPE'],
    ['absolute outside', '/tmp', 'WORKSPACE_ESCAPE'],
    ['absolute root', '/', 'WORKSPACE_ESCAPE'],
    ['absolute path of the workspace itself', '/WS', 'WORKSPACE_ESCAPE'],
    ['symlink pointing outside', 'escape-link', 'WORKSPACE_ESCAPE'],
    ['below a symlink pointing outside', 'escape-link/.', 'WORKSPACE_ESCAPE'],
    ['NUL byte', 'sub\0/../..', 'WORKSPACE_ESCAPE'],
    ['missing directory', 'does-not-exist', 'BAD_WORKING_DIR'],
  ];
  for (const [label, dir, code] of attempts) {
    it(`refuses ${label} before spawn`, async () => {
      const workingDir = dir === '/WS' ? tree.a : dir;
      for (const tool of ['claude_request', 'codex_request_async']) {
        const err = await callError(alice, tool, { prompt: 'hi', workingDir });
        expect(err.code).toBe(code);
      }
      expect(markerLines(marker)).toEqual([]);
    });
  }

  it('runs in the workspace root by default, and in a subdirectory (also via an inner symlink)', async () => {
    const cwdOf = async (args: Record<string, unknown>) => {
      const res = await alice.callTool({ name: 'gemini_request', arguments: { prompt: 'hi', ...args } });
      expect(res.isError).toBeFalsy();
      return (JSON.parse(jsonOf<{ reply: string }>(res).reply) as { cwd: string }).cwd;
    };
    expect(await cwdOf({})).toBe(tree.a);
    expect(await cwdOf({ workingDir: 'sub' })).toBe(join(tree.a, 'sub'));
    expect(await cwdOf({ workingDir: 'inner-link' })).toBe(join(tree.a, 'sub'));
    // Resolved, not string-matched: a path that leaves and re-enters the workspace lands inside it.
    expect(await cwdOf({ workingDir: 'sub/../../a/sub' })).toBe(join(tree.a, 'sub'));
    expect(await cwdOf({ workspace: 'b' })).toBe(tree.b);
    expect(markerLines(marker)).toHaveLength(5);
  });

  it('records the refusals in the flight recorder', () => {
    const codes = recordedCodes(gw.home);
    expect(codes.filter((c) => c === 'WORKSPACE_ESCAPE').length).toBeGreaterThanOrEqual(10);
  });
});
