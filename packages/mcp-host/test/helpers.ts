import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createLogger, jsonToolResult, principalFrom, type Logger, type Principal } from '../src/index.js';

/** A server whose `whoami` tool answers with the principal id from the request context. */
export function whoamiServer(_principal?: Principal): McpServer {
  const server = new McpServer({ name: 'whoami-test', version: '0.0.0' });
  server.registerTool('whoami', { description: 'caller identity' }, (extra) =>
    jsonToolResult({ id: principalFrom(extra).id }),
  );
  return server;
}

/** Handler invocation counter, to prove a refused request never reached a tool. */
export function countingServer(calls: { count: number }): (p: Principal) => McpServer {
  return () => {
    const server = new McpServer({ name: 'counting-test', version: '0.0.0' });
    server.registerTool('whoami', { description: 'caller identity' }, (extra) => {
      calls.count++;
      return jsonToolResult({ id: principalFrom(extra).id });
    });
    return server;
  };
}

/** A logger that keeps lines in memory instead of cluttering test output. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger('test', { level: 'debug', write: (l) => void lines.push(l) });
  return Object.assign(logger, { lines });
}

export async function connectClient(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'test-client', version: '0.0.0' });
  await client.connect(transport);
  return { client, transport };
}

export async function whoami(client: Client): Promise<string> {
  const result = await client.callTool({ name: 'whoami', arguments: {} });
  if (result.isError) throw new Error(`whoami failed: ${JSON.stringify(result.content)}`);
  return (result.structuredContent as { id: string }).id;
}

export const INIT_BODY = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
};

/** Raw initialize POST; returns the response (session id in `mcp-session-id`). */
export function rawInitialize(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...headers },
    body: JSON.stringify(INIT_BODY),
  });
}

export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
}

/**
 * A strict `pay` schema (amount like 1.50, an optional memo trimmed by a transform) that counts
 * each run of its refine in `seen.refine`: how often the arguments were validated.
 */
export function countingPaySchema(seen: { refine: number }) {
  return z
    .object({
      amount: z.string().refine((v) => {
        seen.refine++;
        return /^\d+\.\d{2}$/.test(v);
      }, 'amount must look like 1.50'),
      memo: z
        .string()
        .optional()
        .transform((m) => m?.trim()),
    })
    .strict();
}
