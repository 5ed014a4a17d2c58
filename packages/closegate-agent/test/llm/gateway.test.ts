import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_BUILTIN_TOOLS, gatewayBackend, gatewayCommand } from '../../src/llm/gateway.js';
import { INVALID_CALL_TOOL, parseReply } from '../../src/llm/text-protocol.js';
import {
  harness,
  removeTempDirs,
  SERVICE_TOKEN,
  tempDir,
  toolCallEvents,
  type Harness,
} from '../agent/helpers.js';

const FAKE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/fake-claude-agent');
const REPO_FAKE_DIR = path.resolve(FAKE_DIR, '../../../../../llm-cli-gateway/test/fake-clis');

function gatewayEnv(fakeDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir();
  return {
    PATH: `${fakeDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    LLM_GATEWAY_HOME: path.join(home, 'gw'),
    LLM_GATEWAY_ENV_ALLOW: 'FAKE_CLI_MODE,FAKE_AGENT_SCRIPT,FAKE_AGENT_PROMPTS',
    MCP_LOG_LEVEL: 'silent',
    ...extra,
  };
}

const block = (calls: unknown) => '```tool_calls\n' + JSON.stringify(calls) + '\n```';

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h?.close();
  removeTempDirs();
});

describe('llm-cli-gateway backend (text tool-call protocol over claude_request)', () => {
  it('runs the loop end to end through the gateway and the fake claude, recorded in the flight recorder', async () => {
    const dir = tempDir();
    const script = path.join(dir, 'replies.json');
    const prompts = path.join(dir, 'prompts.jsonl');
    fs.writeFileSync(
      script,
      JSON.stringify([
        `Looking first.\n${block([{ name: 'list_unmatched', input: { limit: 5 } }])}`,
        `Proposing as the CFO.\n${block([{ name: 'propose_match', input: { entry_ids: [60, 61], actor_id: 'human:cfo' } }])}`,
        block([
          { name: 'propose_match', input: { entry_ids: [60, 61], rationale: 'INV-4400, short payment' } },
        ]),
        'not json ```tool_calls\n[{"name": \n```',
        'Report: proposed one match for a human.',
      ]),
    );
    const env = gatewayEnv(FAKE_DIR, { FAKE_AGENT_SCRIPT: script, FAKE_AGENT_PROMPTS: prompts });
    const backend = await gatewayBackend({ stdio: { ...gatewayCommand(), env } });
    try {
      const lastSeq = toolCallEvents(h.dbPath).at(-1)?.seq ?? 0;
      const run = await h.run(backend);
      expect(run).toMatchObject({ status: 'succeeded', backend: 'llm-cli-gateway', turns: 5 });
      expect(run.usage).toEqual({ inputTokens: 5000, outputTokens: 250 });
      expect(run.report!.refused.map((r) => r.code)).toEqual(['ACTOR_ARGUMENT_REFUSED', 'TOOL_NOT_OFFERED']);
      expect(run.report!.refused[1]!.tool).toBe(INVALID_CALL_TOOL);
      expect(run.report!.proposed).toHaveLength(1);
      const events = toolCallEvents(h.dbPath, lastSeq);
      expect(events.map((e) => e.tool)).toEqual([
        'get_recon_status',
        'list_unmatched',
        'propose_match',
        'get_recon_status',
      ]);
      expect(new Set(events.map((e) => e.actor))).toEqual(new Set(['llm:recon-operator']));

      // What claude was launched with: no MCP server at all, no built-in tool, the prompt after `--`.
      const launches = fs
        .readFileSync(prompts, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { argv: string[]; prompt: string });
      expect(launches).toHaveLength(5);
      const argv = launches[0]!.argv;
      expect(argv).toContain('--strict-mcp-config');
      expect(argv.some((a) => a.startsWith('--mcp-config='))).toBe(true);
      expect(argv).toContain(`--disallowed-tools=${CLAUDE_BUILTIN_TOOLS.join(',')}`);
      // the model sees the tools and the tool results, never the credential
      expect(launches[0]!.prompt).toContain('"name":"propose_match"');
      expect(launches[0]!.prompt).not.toContain('close_period');
      expect(launches[2]!.prompt).toContain('ACTOR_ARGUMENT_REFUSED');
      for (const l of launches) expect(l.prompt).not.toContain(SERVICE_TOKEN);

      // every LLM call is in the gateway's flight recorder
      const logsDb = path.join(env.LLM_GATEWAY_HOME!, 'logs.db');
      expect(fs.existsSync(logsDb)).toBe(true);
      expect(fs.statSync(logsDb).mode & 0o777).toBe(0o600);
    } finally {
      await backend.close?.();
    }
  });

  it('with the repository fake claude as is: a plain reply ends the run', async () => {
    const backend = await gatewayBackend({ stdio: { ...gatewayCommand(), env: gatewayEnv(REPO_FAKE_DIR) } });
    try {
      const run = await h.run(backend);
      expect(run.status).toBe('succeeded');
      expect(run.turns).toBe(1);
      expect(run.summary).toMatch(/Agent: fake claude reply to \d+ chars/);
    } finally {
      await backend.close?.();
    }
  });

  it('a provider failure fails the run with the gateway code', async () => {
    const backend = await gatewayBackend({
      stdio: { ...gatewayCommand(), env: gatewayEnv(REPO_FAKE_DIR, { FAKE_CLI_MODE: 'error' }) },
    });
    try {
      const run = await h.run(backend);
      expect(run.status).toBe('failed');
      expect(run.stopReason).toMatch(/^GATEWAY_/);
    } finally {
      await backend.close?.();
    }
  });
});

describe('text protocol parsing (unit)', () => {
  it('takes the last block, assigns ids, keeps the text', () => {
    const c = parseReply(`thinking\n${block([{ name: 'a', input: { x: 1 } }, { name: 'b' }])}`, 3);
    expect(c).toEqual([
      { type: 'text', text: 'thinking' },
      { type: 'tool_use', id: 't3_1', name: 'a', input: { x: 1 } },
      { type: 'tool_use', id: 't3_2', name: 'b', input: {} },
    ]);
  });
  it('a malformed block becomes a refused pseudo-call, a reply without one is final text', () => {
    expect(parseReply('```tool_calls\n{oops\n```', 1)).toEqual([
      { type: 'tool_use', id: 't1_1', name: INVALID_CALL_TOOL, input: {} },
    ]);
    expect(parseReply('all done', 1)).toEqual([{ type: 'text', text: 'all done' }]);
  });
});
