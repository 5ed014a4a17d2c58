import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { closeMcpDeps, openMcpDeps, type McpDeps } from '../../src/mcp/index.js';
import { dispatchToolCall } from '../../src/mcp/dispatch.js';
import { registerTieredTool, TieredToolRegistry } from '../../src/mcp/register.js';
import { CLOSEGATE_TOOLS } from '../../src/mcp/tools/index.js';
import { quietLogger, seededDb } from './helpers.js';

const extra = (id: string) =>
  ({
    authInfo: { token: 'x', clientId: id, scopes: [], extra: { principal: { id, transport: 'http' } } },
  }) as never;

function registry(): TieredToolRegistry {
  const reg = new TieredToolRegistry();
  const server = new McpServer({ name: 'test', version: '0' });
  for (const spec of CLOSEGATE_TOOLS) registerTieredTool(server, reg, spec);
  return reg;
}

const text = (r: CallToolResult) => (r.content[0] as { text: string }).text;

describe('group commit of concurrent tool calls', () => {
  let deps: McpDeps | undefined;
  afterEach(() => {
    if (deps) closeMcpDeps(deps);
    deps = undefined;
  });

  function open(): { deps: McpDeps; reg: TieredToolRegistry; heads: () => number; events: () => number } {
    deps = openMcpDeps({ dbPath: seededDb(), env: {}, logger: quietLogger() });
    const db = deps.engine.context.store.db;
    return {
      deps,
      reg: registry(),
      heads: () => db.prepare('SELECT COUNT(*) FROM audit_events_heads').pluck().get() as number,
      events: () =>
        db.prepare("SELECT COUNT(*) FROM audit_events WHERE type = 'MCP_TOOL_CALL'").pluck().get() as number,
    };
  }

  it('commits calls made in one turn together: one record per call, one signed head for the group', async () => {
    const { deps, reg, heads, events } = open();
    const headsBefore = heads();
    const eventsBefore = events();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => dispatchToolCall(reg, deps, 'get_recon_status', {}, extra('llm:a'))),
    );
    expect(results.every((r) => r.isError !== true)).toBe(true);
    expect(events() - eventsBefore).toBe(20);
    expect(heads() - headsBefore).toBe(1);
    expect(deps.engine.queries.verifyAudit().ok).toBe(true);
    // the group signed the head it left: nothing committed is unsigned
    expect(deps.engine.context.store.audit.signedHead()?.seq).toBe(deps.engine.queries.auditHead()?.seq);
  });

  it('one failing call rolls the group back and every call runs alone, as without grouping', async () => {
    const { deps, reg, heads, events } = open();
    const entry = deps.engine.queries.unmatched({ limit: 1 })[0]!;
    const openBefore = deps.engine.queries.status().openExceptions;
    const headsBefore = heads();
    const eventsBefore = events();
    const flag = (key: string, entryId: number) =>
      dispatchToolCall(
        reg,
        deps,
        'flag_exception',
        { entry_id: entryId, reason: 'group test', idempotency_key: key },
        extra('llm:a'),
      );
    const [first, missing, status, replay] = await Promise.all([
      flag('k-1', entry.id),
      flag('k-2', 999_999), // no such entry: the engine throws inside the group
      dispatchToolCall(reg, deps, 'get_recon_status', {}, extra('llm:a')),
      flag('k-1', entry.id), // same key as the first call of the group: replays it
    ]);
    expect(first!.isError).not.toBe(true);
    expect(missing!.isError).toBe(true);
    expect(text(missing!)).toContain('NOT_FOUND');
    expect(status!.isError).not.toBe(true);
    // the status read after the first call saw its exception, as a sequential run would
    expect(JSON.parse(text(status!)).openExceptions).toBe(openBefore + 1);
    expect(JSON.parse(text(replay!)).replayed).toBe(true);
    const decisions = deps.engine.context.store.db
      .prepare(
        `SELECT json_extract(payload, '$.tool') AS tool, json_extract(payload, '$.decision') AS decision
         FROM audit_events WHERE type = 'MCP_TOOL_CALL' ORDER BY seq DESC LIMIT 4`,
      )
      .all()
      .reverse();
    expect(decisions).toEqual([
      { tool: 'flag_exception', decision: 'allow' },
      { tool: 'get_recon_status', decision: 'allow' },
      { tool: 'flag_exception', decision: 'replayed' },
      { tool: 'flag_exception', decision: 'error' },
    ]);
    expect(events() - eventsBefore).toBe(4);
    expect(
      deps.engine.context.store.db
        .prepare("SELECT COUNT(*) FROM audit_events WHERE type = 'EXCEPTION_FLAGGED'")
        .pluck()
        .get(),
    ).toBe(1);
    // replayed alone: a signed head per transaction (the flag's operation signs its own too)
    expect(heads() - headsBefore).toBeGreaterThanOrEqual(4);
    expect(deps.engine.queries.verifyAudit().ok).toBe(true);
    expect(deps.engine.context.store.audit.signedHead()?.seq).toBe(deps.engine.queries.auditHead()?.seq);
  });

  it('a call made alone is its own transaction', async () => {
    const { deps, reg, heads, events } = open();
    const headsBefore = heads();
    for (let i = 0; i < 3; i++) await dispatchToolCall(reg, deps, 'get_recon_status', {}, extra('llm:a'));
    expect(heads() - headsBefore).toBe(3);
    expect(events()).toBeGreaterThanOrEqual(3);
  });
});
