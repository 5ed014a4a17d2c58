import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import {
  CLOSEGATE_TOOLS,
  dispatchToolCall,
  registerTieredTool,
  TieredToolRegistry,
  TOOL_TIERS,
  type TieredToolSpec,
} from '../../src/mcp/index.js';
import {
  bearer,
  call,
  httpClient,
  inspect,
  key,
  seededDb,
  startHttp,
  toolCalls,
  TOKEN_ENV,
  TOKENS,
  type HttpFixture,
} from './helpers.js';

const EXPECTED_TIERS: Record<string, string> = {
  get_recon_status: 'T0',
  list_unmatched: 'T0',
  list_exceptions: 'T0',
  investigate_exception: 'T0',
  get_match: 'T0',
  list_pending_escalations: 'T0',
  query_audit: 'T0',
  generate_close_summary: 'T0',
  get_policy: 'T0',
  get_close_calendar: 'T0',
  propose_match: 'propose',
  run_recon_pass: 'propose',
  reject_match: 'T1',
  flag_exception: 'T1',
  resolve_exception: 'T1',
  escalate_match: 'T1',
  confirm_match: 'T2',
  resolve_escalation: 'human',
  close_period: 'T3',
  desk_list_escalations: 'T0',
  desk_get_escalation: 'T0',
  desk_list_exceptions: 'T0',
  desk_recon_status: 'T0',
  desk_search_audit: 'T0',
  desk_calendar: 'T0',
  desk_verify_audit: 'T0',
};

let dbPath: string;
let server: HttpFixture;
let agent: Client;

beforeAll(async () => {
  dbPath = seededDb();
  server = await startHttp(dbPath, { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: TOKEN_ENV });
  agent = await httpClient(server.url, bearer(TOKENS.agent));
});
afterAll(async () => {
  await agent.close();
  await server.close();
});

describe('tool registration', () => {
  it('lists every tool with its tier in _meta, annotations and description, and strict schemas without an actor', async () => {
    const { tools } = await agent.listTools();
    expect(Object.fromEntries(tools.map((t) => [t.name, t._meta?.['closegate/tier']]))).toEqual(
      EXPECTED_TIERS,
    );
    for (const tool of tools) {
      const tier = EXPECTED_TIERS[tool.name]!;
      expect(tool.description).toContain(`[tier ${tier}:`);
      expect(tool.annotations?.readOnlyHint).toBe(tier === 'T0');
      expect(tool.annotations?.destructiveHint).toBe(tier === 'T3');
      expect(tool.inputSchema.additionalProperties).toBe(false);
      const props = Object.keys(tool.inputSchema.properties ?? {});
      expect(props.some((p) => /actor/i.test(p))).toBe(false);
      expect(props.includes('idempotency_key')).toBe(tier !== 'T0');
      if (tier !== 'T0') expect(tool.inputSchema.required).toContain('idempotency_key');
    }
  });

  it('refuses to register a tool without a valid tier or with a non-strict schema', () => {
    const server = new McpServer({ name: 't', version: '0' });
    const registry = new TieredToolRegistry();
    const base = {
      name: 'x_tool',
      title: 'x',
      description: 'x',
      inputSchema: z.object({}).strict(),
      handler: () => ({ kind: 'data' as const, value: 1 }),
    };
    expect(() =>
      registerTieredTool(server, registry, { ...base, tier: undefined } as unknown as TieredToolSpec),
    ).toThrow(/no valid tier/);
    expect(() =>
      registerTieredTool(server, registry, { ...base, tier: 'T9' } as unknown as TieredToolSpec),
    ).toThrow(/no valid tier/);
    expect(() =>
      registerTieredTool(server, registry, {
        ...base,
        tier: 'T0',
        inputSchema: z.object({}),
      } as unknown as TieredToolSpec),
    ).toThrow(/strict/);
    expect(() =>
      registerTieredTool(server, registry, {
        ...base,
        tier: 'T0',
        inputSchema: z.object({ actor_id: z.string() }).strict(),
      } as unknown as TieredToolSpec),
    ).toThrow(/never takes an actor/);
    expect(TOOL_TIERS).toEqual(['T0', 'propose', 'T1', 'T2', 'human', 'T3']);
  });
});

describe('T0 reads', () => {
  it('answers reads and audits each one with actor, tool and decision', async () => {
    const status = await call(agent, 'get_recon_status');
    expect(status.isError).toBe(false);
    expect((status.body.entries as Record<string, number>).unmatched).toBeGreaterThan(100);
    const unmatched = await call(agent, 'list_unmatched', {
      entity: 'US01',
      min_abs_amount: '100000.00',
      limit: 10,
    });
    const entries = unmatched.body.entries as { reference: string; amount: string }[];
    expect(entries.map((e) => e.reference)).toContain('WIRE-9001');
    expect(entries.every((e) => typeof e.amount === 'string')).toBe(true);
    const policy = await call(agent, 'get_policy');
    expect(policy.body.text).toContain('materiality_threshold_usd');
    const calendar = await call(agent, 'get_close_calendar', { period: '2026-03' });
    expect((calendar.body.calendar as { windows: unknown[] }).windows.length).toBe(3);
    expect(calendar.body.intercompanyPairs).toEqual([['JP01', 'US01']]);
    expect(Array.isArray(calendar.body.conflicts)).toBe(true);
    const summary = await call(agent, 'generate_close_summary');
    expect(summary.body.entities).toHaveLength(3);
    const engine = inspect(dbPath);
    try {
      const calls = toolCalls(engine).filter((c) => c.actor === 'llm:agent-1');
      expect(calls.map((c) => [c.tool, c.decision])).toEqual(
        expect.arrayContaining([
          ['get_recon_status', 'allow'],
          ['list_unmatched', 'allow'],
          ['get_policy', 'allow'],
          ['get_close_calendar', 'allow'],
          ['generate_close_summary', 'allow'],
        ]),
      );
      expect(engine.queries.verifyAudit().ok).toBe(true);
    } finally {
      engine.close();
    }
  });

  it('investigate_exception ranks near-miss candidates, closest amount first', async () => {
    const list = await call(agent, 'list_unmatched', { limit: 1000 });
    const entries = list.body.entries as { id: number; reference: string; source: string }[];
    const gl = entries.find((e) => e.reference === 'INV-4400' && e.source === 'gl')!;
    const found = await call(agent, 'investigate_exception', { entry_id: gl.id, window_days: 7 });
    const candidates = found.body.candidates as { reference: string; amountGap: string }[];
    expect(candidates.length).toBeGreaterThan(0);
    const gaps = candidates.map((c) => Number(c.amountGap));
    expect([...gaps].sort((a, b) => a - b)).toEqual(gaps);
    const tight = await call(agent, 'investigate_exception', { entry_id: gl.id, amount_tolerance: '0.00' });
    expect((tight.body.candidates as unknown[]).length).toBeLessThan(candidates.length);
  });

  it('serves the four resources and audits the reads', async () => {
    const { resources } = await agent.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual([
      'audit://head',
      'policy://current',
      'recon://exceptions',
      'recon://status',
    ]);
    const head = await agent.readResource({ uri: 'audit://head' });
    expect(JSON.parse((head.contents[0] as { text: string }).text).head.seq).toBeGreaterThan(0);
    const policy = await agent.readResource({ uri: 'policy://current' });
    expect((policy.contents[0] as { text: string }).text).toContain('rules:');
    const engine = inspect(dbPath);
    try {
      expect(toolCalls(engine).some((c) => c.tool === 'audit://head' && c.payload.tier === 'resource')).toBe(
        true,
      );
    } finally {
      engine.close();
    }
  });
});

describe('input validation', () => {
  /** The JSON-RPC error of a call the protocol refuses (it must not resolve to a tool result). */
  async function refused(name: string, args: unknown): Promise<McpError> {
    const outcome = await agent.callTool({ name, arguments: args as Record<string, unknown> }).then(
      (r) => r,
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(McpError);
    return outcome as McpError;
  }

  it('answers unknown keys, float amounts, missing keys and unknown tools with -32602, each audited', async () => {
    const before = inspect(dbPath);
    const from = toolCalls(before).at(-1)?.seq ?? 0;
    before.close();
    const float = await refused('list_unmatched', { min_abs_amount: 100.5 });
    expect(float.code).toBe(-32602);
    expect(float.message).toMatch(/Invalid arguments for tool list_unmatched: min_abs_amount: /);
    expect(float.message.length).toBeLessThan(300);
    const extra = await refused('get_recon_status', { verbose: true });
    expect(extra.code).toBe(-32602);
    const unknown = await refused('approve_everything', {});
    expect(unknown.code).toBe(-32602);
    expect(unknown.message).toBe('MCP error -32602: Unknown tool: approve_everything');
    const noKey = await refused('flag_exception', { entry_id: 1, reason: 'no key given' });
    expect(noKey.message).toContain('idempotency_key');
    const engine = inspect(dbPath);
    try {
      const rejected = toolCalls(engine).filter((c) => c.seq > from);
      expect(rejected.map((c) => [c.actor, c.tool, c.decision, c.code, c.payload.rpcError])).toEqual([
        ['llm:agent-1', 'list_unmatched', 'rejected_input', 'INVALID_INPUT', -32602],
        ['llm:agent-1', 'get_recon_status', 'rejected_input', 'INVALID_INPUT', -32602],
        ['llm:agent-1', 'approve_everything', 'rejected_input', 'TOOL_UNKNOWN', -32602],
        ['llm:agent-1', 'flag_exception', 'rejected_input', 'INVALID_INPUT', -32602],
      ]);
      expect(rejected[0]!.payload.tier).toBe('T0');
      expect(rejected[2]!.payload.tier).toBe('unknown');
      expect(engine.context.store.exceptions.countOpen()).toBe(0);
    } finally {
      engine.close();
    }
  });

  it('answers arguments that are not an object with -32602 (not a -32603 zod dump) and audits them', async () => {
    const headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...bearer(TOKENS.agent),
    };
    const init = await fetch(server.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '0' },
        },
      }),
    });
    await init.text();
    const session = { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id')! };
    await (
      await fetch(server.url, {
        method: 'POST',
        headers: session,
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      })
    ).text();
    const res = await fetch(server.url, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'flag_exception', arguments: [1, 2] },
      }),
    });
    const text = await res.text();
    // SSE by default: the answer is the data line of the one event.
    const answer = JSON.parse(
      text
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    ) as {
      error?: { code: number; message: string };
    };
    expect(answer.error).toEqual({
      code: -32602,
      message: 'Invalid arguments for tool flag_exception: arguments must be an object',
    });
    const engine = inspect(dbPath);
    try {
      expect(toolCalls(engine).at(-1)).toMatchObject({
        actor: 'llm:agent-1',
        tool: 'flag_exception',
        decision: 'rejected_input',
        code: 'INVALID_INPUT',
      });
      expect(engine.context.store.exceptions.countOpen()).toBe(0);
    } finally {
      engine.close();
    }
  });

  it('validates arguments once: over HTTP the dispatcher takes the parse of the host guard, alone it parses itself', async () => {
    const spec = CLOSEGATE_TOOLS.find((t) => t.name === 'list_unmatched')!;
    const parse = vi.spyOn(spec.inputSchema, 'safeParse');
    try {
      const viaHost = await call(agent, 'list_unmatched', { limit: 2 });
      expect(viaHost.isError).toBe(false);
      expect(viaHost.body.count).toBe(2); // the guard's parse reached the handler
      expect(parse).not.toHaveBeenCalled();
      // the dispatcher reached without the guard (no parse handed over) validates the raw arguments
      const registry = new TieredToolRegistry();
      const bare = new McpServer({ name: 'bare', version: '0.0.0' });
      for (const s of CLOSEGATE_TOOLS) registerTieredTool(bare, registry, s);
      const principal = { id: 'llm:agent-1', transport: 'http' as const };
      const extra = {
        authInfo: { token: 'redacted', clientId: principal.id, scopes: [], extra: { principal } },
      };
      const alone = await dispatchToolCall(registry, server.deps, 'list_unmatched', { limit: 3 }, extra);
      expect(alone.structuredContent).toMatchObject({ count: 3 });
      expect(parse).toHaveBeenCalledTimes(1);
      const refusedAlone = await dispatchToolCall(
        registry,
        server.deps,
        'list_unmatched',
        { limit: 0 },
        extra,
      );
      expect(refusedAlone.isError).toBe(true);
      expect(parse).toHaveBeenCalledTimes(2);
    } finally {
      parse.mockRestore();
    }
  });

  it('maps engine refusals (not found) to tool errors with a stable code', async () => {
    const missing = await call(agent, 'get_match', { match_id: 99999 });
    expect(missing.isError).toBe(true);
    expect(missing.body.error).toMatchObject({ code: 'NOT_FOUND' });
    const flagMissing = await call(agent, 'flag_exception', {
      entry_id: 99999,
      reason: 'x',
      idempotency_key: key(),
    });
    expect(flagMissing.body.error).toMatchObject({ code: 'NOT_FOUND' });
  });
});
