import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ApprovalManager } from '../../src/approval/manager.js';
import { jsonOf } from '../helpers/mcp-client.js';
import { ALICE_TOKEN, startHttpGateway, TWO_PRINCIPALS, type HttpGateway } from './http-gateway.js';

let gw: HttpGateway;
let alice: Client;
let marker: string;
let capture: string;

beforeAll(async () => {
  gw = await startHttpGateway(
    `${TWO_PRINCIPALS}
[approval]
strategy = "mcp_managed"
threshold = "balanced"
claude_permission_mode = "plan"

[mcp_servers.files]
command = "/usr/bin/mcp-files"
args = ["--root", "/srv"]

[mcp_servers.search]
command = "/usr/bin/mcp-search"
`,
    { FAKE_CLI_MODE: 'ok' },
    // grok is always "full" (headless auto-approve): the gate, not the ceiling, is under test here.
    { maxPermission: 'full' },
  );
  marker = join(gw.dir, 'marker');
  capture = join(gw.dir, 'mcp-capture.json');
  gw.env.FAKE_CLI_MARKER = marker;
  gw.env.FAKE_CLI_MCP_CAPTURE = capture;
  alice = await gw.connect(ALICE_TOKEN);
});
afterAll(async () => gw?.close());

type ErrorBody = { error: { code: string; message: string } };

async function waitForJob(jobId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const res = await alice.callTool({ name: 'llm_job_status', arguments: { jobId } });
    const text = (res.content as Array<{ text: string }>)[0]!.text;
    if (!/"state":"(?:queued|running)"/.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'still running';
}

describe('mcp_managed approval over HTTP', () => {
  it('a denied request never spawns the CLI', async () => {
    const res = await alice.callTool({
      name: 'claude_request',
      arguments: { prompt: 'rm -rf / and force push' },
    });
    expect(res.isError).toBe(true);
    expect(jsonOf<ErrorBody>(res).error.code).toBe('APPROVAL_DENIED');
    const foreign = await alice.callTool({
      name: 'claude_request',
      arguments: { prompt: 'hi', mcpServers: ['shell'] },
    });
    expect(jsonOf<ErrorBody>(foreign).error.code).toBe('APPROVAL_DENIED');
    expect(existsSync(marker)).toBe(false);
  });

  it('providers that cannot isolate MCP config refuse mcp_managed before launch', async () => {
    for (const name of ['codex_request', 'gemini_request', 'grok_request', 'mistral_request']) {
      const res = await alice.callTool({ name, arguments: { prompt: 'hello' } });
      expect(jsonOf<ErrorBody>(res).error.code).toBe('APPROVAL_UNSUPPORTED_PROVIDER');
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('an approved Claude request gets only the eligible servers it asked for, a fixed mode, and the file is removed', async () => {
    const res = await alice.callTool({
      name: 'claude_request',
      arguments: { prompt: 'summarise the repo', mcpServers: ['files'], permissionMode: 'acceptEdits' },
    });
    expect(res.isError).toBeFalsy();
    expect(existsSync(marker)).toBe(true);
    const seen = JSON.parse(readFileSync(capture, 'utf8')) as {
      argv: string[];
      path: string;
      config: string;
    };
    expect(Object.keys((JSON.parse(seen.config) as { mcpServers: object }).mcpServers)).toEqual(['files']);
    expect(seen.argv).toContain('--strict-mcp-config');
    expect(seen.argv).toContain('--permission-mode=plan');
    expect(seen.argv).not.toContain('--permission-mode=acceptEdits');
    expect(existsSync(seen.path)).toBe(false);
  });

  it('a caller cannot weaken the configured strategy: approvalStrategy "legacy" is refused, nothing spawns', async () => {
    const before = readFileSync(marker, 'utf8');
    for (const [name, extra] of [
      ['codex_request', {}],
      ['claude_request', { permissionMode: 'bypassPermissions' }],
      ['claude_request_async', {}],
    ] as const) {
      const res = await alice.callTool({
        name,
        arguments: { prompt: 'hello', approvalStrategy: 'legacy', ...extra },
      });
      const body = JSON.parse((res.content as Array<{ text: string }>)[0]!.text) as
        ErrorBody | { jobId: string };
      if ('jobId' in body) {
        // async: the job is created, then refused by the gate before launch.
        const status = await waitForJob(body.jobId);
        expect(status).toContain('APPROVAL_STRATEGY_LOCKED');
      } else {
        expect(res.isError).toBe(true);
        expect(body.error.code).toBe('APPROVAL_STRATEGY_LOCKED');
        expect(body.error.message).toContain('mcp_managed');
      }
    }
    expect(readFileSync(marker, 'utf8')).toBe(before);
  });

  it('approval_list shows the decisions and the chain verifies', async () => {
    const list = jsonOf<{ decisions: Array<{ decision: string; promptSha256: string }> }>(
      await alice.callTool({ name: 'approval_list', arguments: {} }),
    );
    expect(list.decisions.map((d) => d.decision)).toEqual([
      'denied',
      'denied',
      'denied',
      'denied',
      'denied',
      'denied',
      'approved',
    ]);
    expect(JSON.stringify(list)).not.toContain('summarise the repo');
    const check = new ApprovalManager({
      dbPath: join(gw.home, 'approvals.db'),
      threshold: 'balanced',
      claudePermissionMode: 'default',
      eligibleServers: {},
    });
    try {
      expect(check.verify()).toMatchObject({ ok: true, count: 7 });
    } finally {
      check.close();
    }
  });
});
