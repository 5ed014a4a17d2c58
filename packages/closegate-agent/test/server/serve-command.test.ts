import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServeCommand } from '../../src/server/index.js';
import { apiAs, browse, Jar, SERVICE_TOKEN, startEngine, tempDir, type EngineFixture } from './helpers.js';

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env }, out, err };
}

let engine: EngineFixture;
let dir: string;
beforeAll(async () => {
  engine = await startEngine();
  dir = tempDir();
}, 30_000);
afterAll(async () => {
  await engine?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('closegate-agent serve', () => {
  it('has --help and refuses to start without the engine URL or its token', async () => {
    const h = io();
    expect(await runServeCommand(['--help'], h.io, Promise.resolve())).toBe(0);
    expect(h.out.join('\n')).toContain('--engine-url');
    await expect(runServeCommand([], io().io, Promise.resolve())).rejects.toMatchObject({ code: 'USAGE' });
    await expect(
      runServeCommand(['--engine-url', engine.url], io().io, Promise.resolve()),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(
      runServeCommand(
        ['--engine-url', engine.url, '--oidc-issuer', 'https://idp.example'],
        io({ CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN }).io,
        Promise.resolve(),
      ),
    ).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('serves until stopped: dev login, an agent run started by the human acting as the agent actor', async () => {
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const h = io({ CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN });
    const agentDb = path.join(dir, 'agent.db');
    const running = runServeCommand(
      [
        '--engine-url',
        engine.url,
        '--port',
        '0',
        '--dev-user',
        'alice',
        '--no-assets',
        '--json',
        '--agent-db',
        agentDb,
      ],
      h.io,
      until,
    );
    for (let i = 0; i < 200 && h.out.length === 0 && h.err.length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(h.err).toEqual([]);
    const { url, devLoginUrl } = JSON.parse(h.out[0]!) as { url: string; devLoginUrl: string };
    const jar = new Jar();
    await browse(jar, devLoginUrl, {}, 0).catch(() => undefined);
    const alice = await apiAs(url, jar);
    const started = (await (await alice.post('/api/runs', { task: 'reconcile the demo book' })).json()) as {
      id: string;
      startedBy: string;
    };
    expect(started.startedBy).toBe('human:alice');
    const sse = await (await alice.get(`/api/runs/${started.id}/events`)).text();
    expect(sse).toContain('event: done');
    const detail = (await (await alice.get(`/api/runs/${started.id}`)).json()) as { transcript: unknown[] };
    expect(detail.transcript.length).toBeGreaterThan(0);
    stop();
    expect(await running).toBe(0);
    const e = engine.inspect();
    try {
      const calls = e.queries.auditQuery({ type: 'MCP_TOOL_CALL', limit: 1000 });
      // the agent's tool calls carry the agent actor; the human only started the run
      expect(calls.some((c) => c.actor === 'llm:recon-operator')).toBe(true);
      expect(calls.filter((c) => c.actor === 'human:alice')).toEqual([]);
    } finally {
      e.close();
    }
    expect((fs.statSync(agentDb).mode & 0o777).toString(8)).toBe('600');
  });
});
