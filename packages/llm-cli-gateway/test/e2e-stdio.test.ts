import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeEnv, pidAlive, REPO_ROOT, tempDir, waitFor } from './helpers/env.js';
import { connectGateway, jsonOf, textOf } from './helpers/mcp-client.js';

const TOOLS = [
  'claude_request',
  'codex_request',
  'gemini_request',
  'grok_request',
  'mistral_request',
  'session_create',
  'session_list',
  'session_get',
  'session_set_active',
  'session_delete',
  'session_clear_all',
  'list_models',
  'cli_versions',
  'flight_recorder_query',
  'llm_request_result',
  // issue 6: durable store attached by default (backend = "sqlite")
  'claude_request_async',
  'codex_request_async',
  'gemini_request_async',
  'grok_request_async',
  'mistral_request_async',
  'llm_job_status',
  'llm_job_result',
  'llm_job_cancel',
  'approval_list',
];

let client: Client;
let errClient: Client;
let hangClient: Client;
let pidfile: string;
let env: NodeJS.ProcessEnv;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  env = fakeEnv(t.dir);
  pidfile = join(t.dir, 'pids');
  [client, errClient, hangClient] = await Promise.all([
    connectGateway(env),
    connectGateway({ ...env, FAKE_CLI_MODE: 'error' }),
    connectGateway({ ...env, FAKE_CLI_MODE: 'hang', FAKE_CLI_PIDFILE: pidfile }),
  ]);
});
afterAll(async () => {
  await Promise.all([client?.close(), errClient?.close(), hangClient?.close()]);
  cleanup();
});

describe('MCP end to end over stdio (official SDK client)', () => {
  it('lists every tool', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOLS].sort());
    const claude = tools.find((t) => t.name === 'claude_request')!;
    expect(Object.keys(claude.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'prompt',
        'model',
        'sessionId',
        'workingDir',
        'timeoutMs',
        'permissionMode',
        'allowedTools',
      ]),
    );
  });

  it.each(['claude', 'codex', 'gemini', 'grok', 'mistral'])('calls %s_request', async (cli) => {
    const res = await client.callTool({
      name: `${cli}_request`,
      arguments: { prompt: '--model=evil $(id)' },
    });
    expect(res.isError).toBeFalsy();
    const body = jsonOf<{
      ok: boolean;
      reply: string;
      correlationId: string;
      exitCode: number;
      durationMs: number;
    }>(res);
    expect(body).toMatchObject({ ok: true, exitCode: 0 });
    expect(body.reply).toMatch(/reply to 18 chars/);
    const again = await client.callTool({
      name: 'llm_request_result',
      arguments: { correlationId: body.correlationId },
    });
    expect(jsonOf<{ result: { reply: string } }>(again).result.reply).toBe(body.reply);
  });

  it('a not-logged-in claude comes back as isError with the provider message', async () => {
    const res = await errClient.callTool({ name: 'claude_request', arguments: { prompt: 'hi' } });
    expect(res.isError).toBe(true);
    const { error } = jsonOf<{ error: { code: string; message: string; details: { exitCode: number } } }>(
      res,
    );
    expect(error).toMatchObject({ code: 'PROVIDER_ERROR', message: 'Not logged in · Please run /login' });
    expect(error.details.exitCode).toBe(1);
  });

  it('gemini and codex failures are isError too, never a silent success', async () => {
    const g = await errClient.callTool({ name: 'gemini_request', arguments: { prompt: 'hi' } });
    expect(g.isError).toBe(true);
    expect(textOf(g)).toMatch(/Auth method.*code 41/);
    const c = await errClient.callTool({ name: 'codex_request', arguments: { prompt: 'hi' } });
    expect(c.isError).toBe(true);
    expect(textOf(c)).toMatch(/Reconnecting/);
  });

  it('sessions: create, use, list, get, set active, delete, clear', async () => {
    const created = jsonOf<{ session: { id: string } }>(
      await client.callTool({ name: 'session_create', arguments: { cli: 'claude', description: 'e2e' } }),
    );
    const id = created.session.id;
    const used = await client.callTool({
      name: 'claude_request',
      arguments: { prompt: 'E2E-CANARY', sessionId: id },
    });
    expect(jsonOf<{ sessionId: string }>(used).sessionId).toBe(id);
    const got = jsonOf<{ session: Record<string, unknown> }>(
      await client.callTool({ name: 'session_get', arguments: { sessionId: id } }),
    );
    expect(got.session.providerSessionId).toBeDefined();
    expect(JSON.stringify(got)).not.toContain('E2E-CANARY');
    const second = jsonOf<{ session: { id: string } }>(
      await client.callTool({ name: 'session_create', arguments: { cli: 'claude', setActive: false } }),
    );
    await client.callTool({ name: 'session_set_active', arguments: { sessionId: second.session.id } });
    const list = jsonOf<{ sessions: { id: string; active: boolean }[] }>(
      await client.callTool({ name: 'session_list', arguments: { cli: 'claude' } }),
    );
    expect(list.sessions.find((s) => s.active)?.id).toBe(second.session.id);
    expect(
      (await client.callTool({ name: 'session_delete', arguments: { sessionId: id } })).isError,
    ).toBeFalsy();
    const missing = await client.callTool({ name: 'session_get', arguments: { sessionId: id } });
    expect(missing.isError).toBe(true);
    expect(
      jsonOf<{ removed: number }>(await client.callTool({ name: 'session_clear_all', arguments: {} }))
        .removed,
    ).toBe(1);
  });

  it('an unknown tool or schema-invalid arguments: JSON-RPC -32602 and a flight-recorder row', async () => {
    const outcome = async (name: string, args: Record<string, unknown>) =>
      client.callTool({ name, arguments: args }).then(
        (r) => r,
        (e: unknown) => e,
      );
    const unknown = await outcome('no_such_tool', {});
    expect(unknown).toBeInstanceOf(McpError);
    expect(unknown).toMatchObject({ code: -32602, message: 'MCP error -32602: Unknown tool: no_such_tool' });
    const invalid = await outcome('session_get', { sessionId: 7 });
    expect(invalid).toMatchObject({ code: -32602 });
    expect((invalid as McpError).message).toMatch(/Invalid arguments for tool session_get: sessionId: /);
    const q = await client.callTool({
      name: 'flight_recorder_query',
      arguments: {
        sql: "SELECT owner, error_code, error FROM requests WHERE cli = 'mcp' ORDER BY started_at",
      },
    });
    const rows = jsonOf<{ rows: { owner: string; error_code: string; error: string }[] }>(q).rows;
    expect(rows.map((r) => r.error_code)).toEqual(['UNKNOWN_TOOL', 'INVALID_ARGUMENTS']);
    expect(rows[0]!.owner).toMatch(/^local:/);
    expect(rows[0]!.error).toContain('no_such_tool');
  });

  it('list_models, cli_versions and flight_recorder_query answer', async () => {
    const models = jsonOf<{ providers: { cli: string }[] }>(
      await client.callTool({ name: 'list_models', arguments: {} }),
    );
    expect(models.providers.map((p) => p.cli)).toEqual(['claude', 'codex', 'gemini', 'grok', 'mistral']);
    const versions = jsonOf<{ clis: { cli: string; version: string }[] }>(
      await client.callTool({ name: 'cli_versions', arguments: {} }),
    );
    expect(versions.clis.find((c) => c.cli === 'claude')?.version).toBe('claude-fake 1.2.3');
    const q = await client.callTool({
      name: 'flight_recorder_query',
      arguments: { sql: "SELECT cli, owner, status FROM requests WHERE cli = 'claude' LIMIT 1" },
    });
    const rows = jsonOf<{ rows: { owner: string }[] }>(q).rows;
    expect(rows[0]?.owner).toMatch(/^local:/);
    const w = await client.callTool({
      name: 'flight_recorder_query',
      arguments: { sql: 'DELETE FROM requests' },
    });
    expect(w.isError).toBe(true);
    expect(textOf(w)).toContain('QUERY_REFUSED');
  });

  it('an idle timeout is an isError result and the process group is gone', async () => {
    const res = await hangClient.callTool({
      name: 'gemini_request',
      // long enough for a node fake CLI to start and write its pid file on a loaded machine
      arguments: { prompt: 'hi', idleTimeoutMs: 2000 },
    });
    expect(res.isError).toBe(true);
    expect(textOf(res)).toContain('IDLE_TIMEOUT');
    const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    expect(await waitFor(() => pids.every((p) => !pidAlive(p)), 4000)).toBe(true);
  });

  it('cancelling the MCP request kills the CLI and its grandchild', async () => {
    rmSync(pidfile, { force: true });
    const ac = new AbortController();
    const call = hangClient.callTool({ name: 'claude_request', arguments: { prompt: 'hi' } }, undefined, {
      signal: ac.signal,
    });
    expect(await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').includes(' '))).toBe(
      true,
    );
    ac.abort();
    await expect(call).rejects.toThrow();
    const pids = readFileSync(pidfile, 'utf8').trim().split(' ').map(Number);
    expect(await waitFor(() => pids.every((p) => !pidAlive(p)), 4000)).toBe(true);
  });

  it('bad input is refused with JSON-RPC -32602 (a flag as model never reaches a CLI), not a crash', async () => {
    const res = await client
      .callTool({ name: 'claude_request', arguments: { prompt: 'x', model: '--evil' } })
      .then(
        (r) => r,
        (e: unknown) => e,
      );
    expect(res).toBeInstanceOf(McpError);
    expect(res).toMatchObject({ code: -32602 });
    expect((res as McpError).message).toContain('model: model must be a plain model name');
    const still = await client.callTool({ name: 'list_models', arguments: {} });
    expect(still.isError).toBeFalsy();
  });

  it('the CLI verifies the log written by the server, and answers doctor --json', () => {
    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts', ...args],
        {
          cwd: REPO_ROOT,
          env,
          encoding: 'utf8',
        },
      );
    const verify = run('logs', 'verify', '--json');
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
    const doctor = run('doctor', '--json');
    const report = JSON.parse(doctor.stdout);
    expect(report.clis).toHaveLength(5);
    expect(report.dataDir).toMatchObject({ mode: '0700', ok: true });
    expect(run('--help').stdout).toContain('logs verify');
    expect(run('bogus').status).toBe(2);
  });
});
