import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ALICE } from '../helpers/gateway.js';
import { testGateway } from '../helpers/gateway.js';
import type { HttpGateway } from '../http/http-gateway.js';
import {
  callError,
  markerLines,
  recordedRows,
  startMarkedGateway,
  workspaceTree,
  workspacesToml,
} from './helpers.js';

/** Every bypass / full-access mode the gateway can emit, per provider tool. */
const BYPASSES: Array<[string, Record<string, unknown>]> = [
  ['claude_request', { permissionMode: 'bypassPermissions' }],
  ['codex_request', { sandbox: 'danger-full-access' }],
  ['gemini_request', { approvalMode: 'yolo' }],
  ['mistral_request', { agent: 'auto-approve' }],
  ['grok_request', {}], // headless grok approves every tool call: always "full"
];

describe('permission ceiling over HTTP', () => {
  let gw: HttpGateway;
  let alice: Client;
  let marker: string;
  const tree = workspaceTree();
  beforeAll(async () => {
    const toml = workspacesToml(tree, {
      defaultAlias: 'a',
      b: 'max_permission = "full"',
    });
    ({ gw, marker, alice } = await startMarkedGateway(
      `${toml}\n[workspaces.ro]\npath = "${tree.outside}"\nmax_permission = "read-only"\nproviders = ["codex"]\n`,
      'ok',
    ));
  });
  afterAll(async () => {
    await gw?.close();
    tree.cleanup();
  });

  for (const [tool, options] of BYPASSES) {
    it(`${tool} ${JSON.stringify(options)}: refused in the default workspace (sync and async), before spawn`, async () => {
      const sync = await callError(alice, tool, { prompt: 'hi', ...options });
      expect(sync.code).toBe('PERMISSION_CEILING');
      expect(sync.message).toMatch(/max_permission = "full"/);
      const job = await callError(alice, tool.replace(/_request$/, '_request_async'), {
        prompt: 'hi',
        ...options,
      });
      expect(job.code).toBe('PERMISSION_CEILING');
      expect(markerLines(marker)).toEqual([]);
      // Both refusals are in the flight recorder, with the level that was asked for.
      const last = recordedRows(gw.home).slice(-2);
      expect(last).toEqual([
        { code: 'PERMISSION_CEILING', level: 'full' },
        { code: 'PERMISSION_CEILING', level: 'full' },
      ]);
    });
  }

  it('non-bypass modes run in the default (edits) workspace', async () => {
    const before = markerLines(marker).length;
    expect(
      (await callError(alice, 'claude_request', { prompt: 'hi', permissionMode: 'acceptEdits' })).code,
    ).toBe('OK');
    expect((await callError(alice, 'codex_request', { prompt: 'hi', sandbox: 'workspace-write' })).code).toBe(
      'OK',
    );
    expect(markerLines(marker).length).toBe(before + 2);
  });

  it('a read-only workspace admits only read-only requests, and only its providers', async () => {
    expect((await callError(alice, 'codex_request', { prompt: 'hi', workspace: 'ro' })).code).toBe(
      'PERMISSION_CEILING',
    );
    expect(
      (await callError(alice, 'codex_request', { prompt: 'hi', workspace: 'ro', sandbox: 'workspace-write' }))
        .code,
    ).toBe('PERMISSION_CEILING');
    const claude = await callError(alice, 'claude_request', {
      prompt: 'hi',
      workspace: 'ro',
      permissionMode: 'plan',
    });
    expect(claude.code).toBe('PROVIDER_NOT_ALLOWED');
    expect(claude.message).toMatch(/allowed: codex/);
    const before = markerLines(marker).length;
    expect(
      (await callError(alice, 'codex_request', { prompt: 'hi', workspace: 'ro', sandbox: 'read-only' })).code,
    ).toBe('OK');
    expect(markerLines(marker).length).toBe(before + 1);
  });

  it('every bypass runs over HTTP in a workspace with max_permission = "full"', async () => {
    const before = markerLines(marker).length;
    for (const [tool, options] of BYPASSES) {
      expect((await callError(alice, tool, { prompt: 'hi', workspace: 'b', ...options })).code).toBe('OK');
    }
    expect(markerLines(marker).length).toBe(before + BYPASSES.length);
  });
});

describe('permission ceiling over stdio', () => {
  it('a local caller gets a bypass mode when it asks (no workspace), and the workspace ceiling when it names one', async () => {
    const tree = workspaceTree();
    const t = testGateway({ FAKE_CLI_MODE: 'ok' });
    const { createGateway } = await import('../../src/gateway.js');
    const { parseConfigText, resolveConfig } = await import('../../src/config/file.js');
    const config = resolveConfig(parseConfigText(workspacesToml(tree)), t.env, {
      path: '(test)',
      exists: false,
    });
    const gateway = createGateway({ env: t.env, config, limits: { killGraceMs: 300 } });
    try {
      const requests = [
        { provider: 'claude', options: { permissionMode: 'bypassPermissions' } },
        { provider: 'codex', options: { sandbox: 'danger-full-access' } },
        { provider: 'gemini', options: { approvalMode: 'yolo' } },
        { provider: 'mistral', options: { agent: 'auto-approve' } },
        { provider: 'grok', options: {} },
      ] as const;
      for (const r of requests) {
        const ok = await gateway.service.run(ALICE, { ...r, prompt: 'hi', options: { ...r.options } });
        expect(ok.error).toBeUndefined();
        expect(ok.permissionLevel).toBe('full');
        const inWs = await gateway.service.run(ALICE, {
          ...r,
          prompt: 'hi',
          options: { ...r.options },
          workspace: 'a',
        });
        expect(inWs.error?.code).toBe('PERMISSION_CEILING');
      }
    } finally {
      await gateway.close();
      t.cleanup();
      tree.cleanup();
    }
  });
});
