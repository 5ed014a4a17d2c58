import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClaude } from '../src/providers/claude.js';
import { parseCodex } from '../src/providers/codex.js';
import { parseGemini } from '../src/providers/gemini.js';
import { PROVIDERS } from '../src/providers/registry.js';
import type { ProviderId } from '../src/providers/contract.js';
import { ALICE, testGateway } from './helpers/gateway.js';

/** Outputs captured from the real CLIs offline, without credentials. */
const real = (f: string) => readFileSync(new URL(`./fixtures/output/${f}`, import.meta.url), 'utf8');

describe('parsers on real CLI output', () => {
  it('claude not logged in: the provider message, exit 1', () => {
    const p = parseClaude({ stdout: real('claude-not-logged-in.json'), stderr: '', exitCode: 1 });
    expect(p.error).toBe('Not logged in · Please run /login');
    expect(p.reply).toBe('');
    expect(p.providerSessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('codex offline: reconnect errors, no completed turn', () => {
    const p = parseCodex({ stdout: real('codex-offline.jsonl'), stderr: '', exitCode: null });
    expect(p.providerSessionId).toBe('01a20139-40c5-7973-94cb-41436f932872');
    expect(p.error).toMatch(/Reconnecting/);
  });

  it('codex watcher stops an endless reconnect loop', () => {
    const watch = PROVIDERS.codex.fatalLineWatcher!();
    const lines = real('codex-offline.jsonl').trim().split('\n');
    const verdicts = [...lines, ...lines].map((l) => watch(l));
    expect(verdicts.find((v) => v !== undefined)).toMatch(/cannot reach its API: Reconnecting/);
  });

  it('gemini without auth: JSON on stderr, code 41', () => {
    const p = parseGemini({
      stdout: '',
      stderr: `Loaded cached credentials.\n${real('gemini-no-auth.stderr.txt')}`,
      exitCode: 41,
    });
    expect(p.error).toMatch(/^Please set an Auth method.*\(gemini error code 41\)$/);
  });

  it('claude cost stays a decimal string', () => {
    const p = parseClaude({
      stdout: JSON.stringify({
        type: 'result',
        is_error: false,
        result: 'r',
        session_id: 's',
        total_cost_usd: 1e-7,
      }),
      stderr: '',
      exitCode: 0,
    });
    expect(p.costUsd).toBe('0.0000001');
  });
});

describe('each provider through the executor with its fake CLI', () => {
  let t: ReturnType<typeof testGateway>;
  beforeAll(() => {
    t = testGateway();
  });
  afterAll(() => t.cleanup());

  const run = (provider: ProviderId, mode: string, extra: Record<string, unknown> = {}) => {
    t.env.FAKE_CLI_MODE = mode;
    return t.gateway.service.run(ALICE, { provider, prompt: 'hello', options: {}, ...extra });
  };

  it.each([
    ['claude', { inputTokens: 11, outputTokens: 7, cacheReadTokens: 5, cacheCreationTokens: 0 }, '0.0123'],
    ['codex', { inputTokens: 20, outputTokens: 9, cacheReadTokens: 4 }, undefined],
    ['gemini', { inputTokens: 30, outputTokens: 8, cacheReadTokens: 2 }, undefined],
    ['grok', undefined, undefined],
    ['mistral', undefined, undefined],
  ] as const)('%s ok: reply, usage, session id, exit code, duration', async (cli, usage, cost) => {
    const r = await run(cli, 'ok');
    expect(r).toMatchObject({ ok: true, cli, exitCode: 0 });
    expect(r.reply).toMatch(new RegExp(`^fake (${cli}|vibe) reply to 5 chars`));
    expect(r.usage).toEqual(usage);
    expect(r.costUsd).toBe(cost);
    expect(r.durationMs).toBeGreaterThan(0);
    expect(r.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    if (cli !== 'grok' && cli !== 'mistral') expect(r.providerSessionId).toBeDefined();
  });

  it.each([
    ['claude', 'error', 'PROVIDER_ERROR', /^Not logged in · Please run \/login$/],
    ['codex', 'error', 'PROVIDER_ERROR', /codex cannot reach its API: Reconnecting/],
    ['codex', 'turn-failed', 'PROVIDER_ERROR', /401 Unauthorized/],
    ['gemini', 'error', 'PROVIDER_ERROR', /Please set an Auth method.*code 41/],
    ['grok', 'error', 'PROVIDER_ERROR', /API key required/],
    ['mistral', 'error', 'PROVIDER_ERROR', /MISTRAL_API_KEY is not set/],
    ['claude', 'exit', 'PROVIDER_ERROR', /claude: fatal: something broke/],
  ] as const)('%s %s → %s with the provider message', async (cli, mode, code, message) => {
    const r = await run(cli, mode);
    expect(r.ok).toBe(false);
    expect(r.reply).toBe('');
    expect(r.error?.code).toBe(code);
    expect(r.error?.message).toMatch(message);
    if (mode === 'exit') {
      // A non-zero exit is surfaced with its code and stderr.
      expect(r.exitCode).toBe(3);
      expect(r.error?.stderr).toContain('fatal: something broke');
    }
  });

  it('vibe gets its model through VIBE_ACTIVE_MODEL', async () => {
    const r = await run('mistral', 'ok', { model: 'devstral-small' });
    expect(r.reply).toContain('(model devstral-small)');
  });

  it('a missing binary is a clear error, not a crash', async () => {
    const saved = t.env.PATH;
    t.env.PATH = '/nonexistent';
    try {
      const r = await run('claude', 'ok');
      expect(r.error).toMatchObject({
        code: 'BINARY_NOT_FOUND',
        message: expect.stringMatching(/claude is not installed/),
      });
    } finally {
      t.env.PATH = saved;
    }
  });

  it('permission levels are classified per provider (seam for transport ceilings)', () => {
    expect(PROVIDERS.claude.permissionLevel({ permissionMode: 'bypassPermissions' })).toBe('full');
    expect(PROVIDERS.codex.permissionLevel({ sandbox: 'danger-full-access' })).toBe('full');
    expect(PROVIDERS.gemini.permissionLevel({ approvalMode: 'yolo' })).toBe('full');
    expect(PROVIDERS.mistral.permissionLevel({ agent: 'auto-approve' })).toBe('full');
    expect(PROVIDERS.grok.permissionLevel({})).toBe('full');
    expect(PROVIDERS.codex.permissionLevel({ sandbox: 'read-only' })).toBe('read-only');
    expect(PROVIDERS.mistral.permissionLevel({})).toBe('edits');
  });
});
