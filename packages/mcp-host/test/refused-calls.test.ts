import { PassThrough } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bearerTokenAuthenticator,
  jsonToolResult,
  serveHttp,
  serveStdio,
  type HttpHost,
  type RefusedCall,
} from '../src/index.js';
import { connectClient, eventually, INIT_BODY, MCP_HEADERS, memoryLogger } from './helpers.js';

const calls = { count: 0 };
const refusals: RefusedCall[] = [];
let failRecording = false;

function payServer(): McpServer {
  const server = new McpServer({ name: 'pay-test', version: '0.0.0' });
  server.registerTool(
    'pay',
    {
      description: 'pays',
      inputSchema: { amount: z.string().regex(/^\d+\.\d{2}$/), memo: z.string().optional() },
    },
    ({ amount }) => {
      calls.count++;
      if (amount === '0.00') throw new Error('nothing to pay');
      return jsonToolResult({ paid: amount });
    },
  );
  return server;
}

const onRefusedCall = (event: RefusedCall) => {
  if (failRecording) throw new Error('disk full');
  refusals.push(event);
};

async function rejection(p: Promise<unknown>): Promise<McpError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

describe('refused tool calls over HTTP', () => {
  let host: HttpHost;
  const auth = { authorization: 'Bearer tok-alice' };

  beforeAll(async () => {
    host = await serveHttp(payServer, {
      authenticator: bearerTokenAuthenticator([{ principalId: 'human:alice', token: 'tok-alice' }]),
      logger: memoryLogger(),
      jsonResponse: true,
      onRefusedCall,
    });
  });
  afterAll(async () => host.close());
  beforeEach(() => {
    calls.count = 0;
    refusals.length = 0;
    failRecording = false;
  });

  it('answers an unknown tool with -32602 and a short message, and reports it with the principal', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const error = await rejection(client.callTool({ name: 'nope', arguments: {} }));
      expect(error.code).toBe(-32602);
      expect(error.message).toBe('MCP error -32602: Unknown tool: nope');
      expect(refusals).toMatchObject([
        {
          principal: { id: 'human:alice', transport: 'http' },
          method: 'tools/call',
          tool: 'nope',
          reason: 'UNKNOWN_TOOL',
          code: -32602,
          message: 'Unknown tool: nope',
        },
      ]);
      // Inherited object keys are not tools.
      for (const name of ['__proto__', 'constructor', 'toString']) {
        expect((await rejection(client.callTool({ name, arguments: {} }))).code).toBe(-32602);
      }
      expect(refusals.map((r) => r.reason)).toEqual(Array(4).fill('UNKNOWN_TOOL'));
    } finally {
      await client.close();
    }
  });

  it('answers schema-invalid arguments with -32602 naming the field, without running the handler', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const error = await rejection(client.callTool({ name: 'pay', arguments: { amount: 5 } }));
      expect(error.code).toBe(-32602);
      expect(error.message).toMatch(/^MCP error -32602: Invalid arguments for tool pay: amount: /);
      expect(error.message.length).toBeLessThan(200);
      expect(error.message).not.toContain('"code"'); // no raw zod dump
      expect(calls.count).toBe(0);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ tool: 'pay', reason: 'INVALID_ARGUMENTS', code: -32602 });
    } finally {
      await client.close();
    }
  });

  it('still runs valid calls, and a handler failure stays an isError tool result (not a refusal)', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const ok = await client.callTool({ name: 'pay', arguments: { amount: '1.50' } });
      expect(ok.structuredContent).toEqual({ paid: '1.50' });
      const failed = await client.callTool({ name: 'pay', arguments: { amount: '0.00' } });
      expect(failed.isError).toBe(true);
      expect(calls.count).toBe(2);
      expect(refusals).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('refuses a call whose refusal cannot be recorded with a generic -32603', async () => {
    failRecording = true;
    const { client } = await connectClient(host.url, auth);
    try {
      const error = await rejection(client.callTool({ name: 'nope', arguments: {} }));
      expect(error.code).toBe(-32603);
      expect(error.message).not.toContain('disk full');
    } finally {
      await client.close();
    }
  });

  describe('raw JSON-RPC', () => {
    async function session(): Promise<
      (body: object) => Promise<{ error?: { code: number; message: string } }>
    > {
      const headers = { ...MCP_HEADERS, ...auth };
      const init = await fetch(host.url, { method: 'POST', headers, body: JSON.stringify(INIT_BODY) });
      const sid = init.headers.get('mcp-session-id')!;
      await init.text();
      const withSession = { ...headers, 'mcp-session-id': sid, 'mcp-protocol-version': '2025-06-18' };
      const note = await fetch(host.url, {
        method: 'POST',
        headers: withSession,
        body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      });
      await note.text();
      return async (body) => {
        const res = await fetch(host.url, {
          method: 'POST',
          headers: withSession,
          body: JSON.stringify({ jsonrpc: '2.0', id: 7, ...body }),
        });
        return (await res.json()) as { error?: { code: number; message: string } };
      };
    }

    it('answers non-object arguments (array, string, null) with -32602, not a -32603 zod dump', async () => {
      const send = await session();
      for (const args of [[1, 2], 'amount=1.00', null, 42]) {
        const answer = await send({ method: 'tools/call', params: { name: 'pay', arguments: args } });
        expect(answer.error).toEqual({
          code: -32602,
          message: 'Invalid arguments for tool pay: arguments must be an object',
        });
      }
      expect(calls.count).toBe(0);
      expect(refusals.map((r) => [r.principal?.id, r.reason])).toEqual(
        Array(4).fill(['human:alice', 'INVALID_ARGUMENTS']),
      );
    });

    it('answers a missing or non-string tool name with -32602 and echoes control characters safely', async () => {
      const send = await session();
      for (const params of [{}, { name: 5 }, { name: null }]) {
        expect((await send({ method: 'tools/call', params })).error?.code).toBe(-32602);
      }
      const odd = await send({ method: 'tools/call', params: { name: 'x\n\u001b[31my'.padEnd(500, 'z') } });
      expect(odd.error?.code).toBe(-32602);
      expect(odd.error?.message).not.toContain('\n');
      expect(odd.error?.message).not.toContain('\u001b');
      expect(odd.error!.message.length).toBeLessThanOrEqual('Unknown tool: '.length + 100);
      expect(refusals.map((r) => r.reason)).toEqual([
        'INVALID_PARAMS',
        'INVALID_PARAMS',
        'INVALID_PARAMS',
        'UNKNOWN_TOOL',
      ]);
    });

    it('answers a tools/list cursor (none is ever issued) with -32602', async () => {
      const send = await session();
      const listed = await send({ method: 'tools/list', params: {} });
      expect(listed.error).toBeUndefined();
      const bad = await send({ method: 'tools/list', params: { cursor: 'forged' } });
      expect(bad.error).toEqual({ code: -32602, message: 'Invalid cursor' });
      expect(refusals).toMatchObject([{ method: 'tools/list', reason: 'INVALID_CURSOR' }]);
    });
  });
});

describe('refused tool calls over stdio', () => {
  it('answers non-object arguments with -32602 and reports the stdio principal', async () => {
    refusals.length = 0;
    failRecording = false;
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    const host = await serveStdio(
      payServer(),
      { id: 'llm:agent-1', transport: 'stdio' },
      { stdin, stdout, guardConsole: false, onRefusedCall },
    );
    try {
      const send = (msg: object) => stdin.write(JSON.stringify({ jsonrpc: '2.0', ...msg }) + '\n');
      send(INIT_BODY);
      await eventually(() => out.includes('"id":1'));
      send({ method: 'notifications/initialized' });
      send({ id: 2, method: 'tools/call', params: { name: 'pay', arguments: [1, 2] } });
      await eventually(() => out.includes('"id":2'));
      const answer = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id?: number; error?: { code: number } })
        .find((m) => m.id === 2);
      expect(answer?.error?.code).toBe(-32602);
      expect(refusals).toMatchObject([
        { principal: { id: 'llm:agent-1', transport: 'stdio' }, tool: 'pay', reason: 'INVALID_ARGUMENTS' },
      ]);
    } finally {
      await host.close();
    }
  });
});
