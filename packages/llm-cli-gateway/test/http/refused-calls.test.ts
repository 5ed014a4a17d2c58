import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf } from '../helpers/mcp-client.js';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  startHttpGateway,
  TWO_PRINCIPALS,
  type HttpGateway,
} from './http-gateway.js';

type Row = { owner: string; cli: string; status: string; error_code: string; error: string };

let gw: HttpGateway;
let alice: Client;

beforeAll(async () => {
  gw = await startHttpGateway(TWO_PRINCIPALS);
  alice = await gw.connect(ALICE_TOKEN);
});
afterAll(async () => gw.close());

async function refused(client: Client, name: string, args: unknown): Promise<McpError> {
  const outcome = await client.callTool({ name, arguments: args as Record<string, unknown> }).then(
    (r) => r,
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(McpError);
  return outcome as McpError;
}

async function refusedRows(client: Client): Promise<Row[]> {
  const q = await client.callTool({
    name: 'flight_recorder_query',
    arguments: {
      sql: "SELECT owner, cli, status, error_code, error FROM requests WHERE cli = 'mcp' ORDER BY started_at",
    },
  });
  return jsonOf<{ rows: Row[] }>(q).rows;
}

/** A raw JSON-RPC exchange on an initialized session (the SDK client cannot send non-object arguments). */
async function rawSession(
  token: string,
): Promise<(body: object) => Promise<{ error?: { code: number; message: string } }>> {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${token}`,
  };
  const init = await fetch(gw.host.url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    }),
  });
  await init.text();
  const session = { ...headers, 'mcp-session-id': init.headers.get('mcp-session-id')! };
  await (
    await fetch(gw.host.url, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    })
  ).text();
  return async (body) => {
    const res = await fetch(gw.host.url, {
      method: 'POST',
      headers: session,
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, ...body }),
    });
    const text = await res.text();
    return JSON.parse(
      text
        .split('\n')
        .find((l) => l.startsWith('data: '))!
        .slice(6),
    ) as {
      error?: { code: number; message: string };
    };
  };
}

describe('tools/call refused before a tool runs (HTTP)', () => {
  it('answers unknown tools, schema-invalid and non-object arguments with -32602, each with a recorder row of the caller', async () => {
    const unknown = await refused(alice, 'rm_rf', {});
    expect(unknown.code).toBe(-32602);
    expect(unknown.message).toBe('MCP error -32602: Unknown tool: rm_rf');
    const invalid = await refused(alice, 'claude_request', { prompt: 42 });
    expect(invalid.code).toBe(-32602);
    expect(invalid.message).toMatch(/^MCP error -32602: Invalid arguments for tool claude_request: prompt: /);
    expect(invalid.message.length).toBeLessThan(300);
    const send = await rawSession(ALICE_TOKEN);
    const array = await send({ method: 'tools/call', params: { name: 'claude_request', arguments: [1, 2] } });
    expect(array.error).toEqual({
      code: -32602,
      message: 'Invalid arguments for tool claude_request: arguments must be an object',
    });

    const rows = await refusedRows(alice);
    expect(rows.map((r) => [r.owner, r.status, r.error_code])).toEqual([
      ['http:alice', 'failed', 'UNKNOWN_TOOL'],
      ['http:alice', 'failed', 'INVALID_ARGUMENTS'],
      ['http:alice', 'failed', 'INVALID_ARGUMENTS'],
    ]);
    expect(rows[0]!.error).toBe('JSON-RPC -32602 for tools/call rm_rf: Unknown tool: rm_rf');
    // Another principal sees none of alice's refusals.
    const bob = await gw.connect(BOB_TOKEN);
    expect(await refusedRows(bob)).toEqual([]);
  });
});
