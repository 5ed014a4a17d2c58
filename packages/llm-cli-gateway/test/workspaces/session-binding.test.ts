import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { jsonOf } from '../helpers/mcp-client.js';
import type { HttpGateway } from '../http/http-gateway.js';
import { callError, markerLines, startMarkedGateway, workspaceTree, workspacesToml } from './helpers.js';

describe('a session stays bound to its workspace', () => {
  let gw: HttpGateway;
  let alice: Client;
  let marker: string;
  const tree = workspaceTree();
  beforeAll(async () => {
    ({ gw, marker, alice } = await startMarkedGateway(
      workspacesToml(tree, { defaultAlias: 'b' }),
      'echo-argv',
    ));
  });
  afterAll(async () => {
    await gw?.close();
    tree.cleanup();
  });

  const run = async (args: Record<string, unknown>) => {
    const res = await alice.callTool({
      name: 'claude_request',
      arguments: { prompt: 'SECRET-PROMPT', ...args },
    });
    expect(res.isError).toBeFalsy();
    const body = jsonOf<{ reply: string; sessionId: string }>(res);
    return { sessionId: body.sessionId, cwd: (JSON.parse(body.reply) as { cwd: string }).cwd };
  };

  it('records the workspace (content-free) and refuses resuming from another workspace', async () => {
    const first = await run({ newSession: true, workspace: 'a', sessionDescription: 'work in a' });
    expect(first.cwd).toBe(tree.a);
    const stored = readFileSync(join(gw.home, 'sessions.json'), 'utf8');
    expect(JSON.parse(stored).sessions[0]).toMatchObject({ id: first.sessionId, workspace: 'a' });
    expect(stored).not.toContain('SECRET-PROMPT');

    const spawned = markerLines(marker).length;
    const other = await callError(alice, 'claude_request', {
      prompt: 'x',
      sessionId: first.sessionId,
      workspace: 'b',
    });
    expect(other.code).toBe('WORKSPACE_MISMATCH');
    const active = await callError(alice, 'claude_request', {
      prompt: 'x',
      useActiveSession: true,
      workspace: 'b',
    });
    expect(active.code).toBe('WORKSPACE_MISMATCH');
    const job = await callError(alice, 'claude_request_async', {
      prompt: 'x',
      sessionId: first.sessionId,
      workspace: 'b',
    });
    expect(job.code).toBe('WORKSPACE_MISMATCH');
    expect(markerLines(marker).length).toBe(spawned);

    // Without a workspace argument the session's own workspace wins over the default (b).
    const resumed = await run({ sessionId: first.sessionId });
    expect(resumed).toEqual({ sessionId: first.sessionId, cwd: tree.a });
  });

  it('session_create over HTTP binds to the named workspace or the default', async () => {
    const created = jsonOf<{ session: { id: string; workspace: string } }>(
      await alice.callTool({ name: 'session_create', arguments: { cli: 'codex' } }),
    );
    expect(created.session.workspace).toBe('b');
    const err = await callError(alice, 'codex_request', {
      prompt: 'x',
      sessionId: created.session.id,
      workspace: 'a',
    });
    expect(err.code).toBe('WORKSPACE_MISMATCH');
    const unknown = await callError(alice, 'session_create', { cli: 'codex', workspace: 'zz' });
    expect(unknown.code).toBe('WORKSPACE_UNKNOWN');
  });
});
