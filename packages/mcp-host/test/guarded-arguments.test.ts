import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bearerTokenAuthenticator,
  guardedArguments,
  jsonToolResult,
  serveHttp,
  type HttpHost,
  type RefusedCall,
} from '../src/index.js';
import { connectClient, countingPaySchema, memoryLogger } from './helpers.js';

/** Validations run per argument value: the guard's parse, and any the handler does itself. */
const seen = { refine: 0, asyncRefine: 0 };
const handled: { guarded: { data: unknown } | undefined; again: unknown }[] = [];
/** What the product handler asks for: its own tool and schema, or (to prove they must match) not. */
let ask: 'own' | 'otherSchema' | 'otherName' = 'own';
const refusals: RefusedCall[] = [];

const paySchema = countingPaySchema(seen);

const asyncSchema = z
  .object({
    code: z.string().refine(async (v) => {
      seen.asyncRefine++;
      await new Promise((r) => setImmediate(r));
      return v === 'ok';
    }, 'code must be ok'),
  })
  .strict();

/**
 * Like closegate: the SDK's tools/call handler is replaced by the product's own, which takes
 * the arguments the host's guard validated instead of parsing them again.
 */
function productServer(): McpServer {
  const server = new McpServer({ name: 'guarded-test', version: '0.0.0' });
  const never = () => {
    throw new Error('the product handler answers tools/call');
  };
  server.registerTool('pay', { description: 'pays', inputSchema: paySchema }, never as never);
  server.registerTool('check', { description: 'checks', inputSchema: asyncSchema }, never as never);
  const schemas: Record<string, z.ZodType> = { pay: paySchema, check: asyncSchema };
  server.server.setRequestHandler(CallToolRequestSchema, (request, extra) => {
    const { name } = request.params;
    const asked = ask === 'otherName' ? 'check' : name;
    const schema = ask === 'otherSchema' ? z.object({ amount: z.string() }).strict() : schemas[asked]!;
    const guarded = guardedArguments(extra, asked, schema);
    handled.push({ guarded, again: guardedArguments(extra, asked, schema) });
    return jsonToolResult({ tool: name, args: guarded?.data ?? null });
  });
  return server;
}

describe('arguments validated once: the guard hands its parse to the handler after it', () => {
  let host: HttpHost;
  const auth = { authorization: 'Bearer tok-alice' };

  beforeAll(async () => {
    host = await serveHttp(productServer, {
      authenticator: bearerTokenAuthenticator([{ principalId: 'human:alice', token: 'tok-alice' }]),
      logger: memoryLogger(),
      jsonResponse: true,
      onRefusedCall: (e) => void refusals.push(e),
    });
  });
  afterAll(async () => host.close());
  beforeEach(() => {
    seen.refine = 0;
    seen.asyncRefine = 0;
    handled.length = 0;
    refusals.length = 0;
    ask = 'own';
  });

  it('gives the handler the parsed (transformed) arguments, validated exactly once, and only once', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const r = await client.callTool({ name: 'pay', arguments: { amount: '1.50', memo: '  rent  ' } });
      expect(r.structuredContent).toEqual({ tool: 'pay', args: { amount: '1.50', memo: 'rent' } });
      expect(seen.refine).toBe(1);
      expect(handled).toHaveLength(1);
      expect(handled[0]!.guarded).toEqual({ data: { amount: '1.50', memo: 'rent' } });
      // taken once: asking again for the same request gets nothing
      expect(handled[0]!.again).toBeUndefined();
    } finally {
      await client.close();
    }
  });

  it('hands nothing over for another schema object or another tool name (the handler then parses itself)', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      for (const mode of ['otherSchema', 'otherName'] as const) {
        ask = mode;
        const r = await client.callTool({ name: 'pay', arguments: { amount: '2.00' } });
        expect(r.structuredContent).toEqual({ tool: 'pay', args: null });
      }
      expect(handled.map((h) => h.guarded)).toEqual([undefined, undefined]);
    } finally {
      await client.close();
    }
  });

  it('still refuses invalid arguments before the handler runs', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const error = await client.callTool({ name: 'pay', arguments: { amount: '1.5' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(McpError);
      expect((error as McpError).code).toBe(-32602);
      expect(handled).toEqual([]);
      expect(refusals).toMatchObject([{ tool: 'pay', reason: 'INVALID_ARGUMENTS' }]);
    } finally {
      await client.close();
    }
  });

  it('parses a schema with async refinements asynchronously, and hands that parse on too', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const r = await client.callTool({ name: 'check', arguments: { code: 'ok' } });
      expect(r.structuredContent).toEqual({ tool: 'check', args: { code: 'ok' } });
      expect(handled[0]!.guarded).toEqual({ data: { code: 'ok' } });
      const error = await client.callTool({ name: 'check', arguments: { code: 'no' } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as McpError).code).toBe(-32602);
      expect(refusals).toMatchObject([{ tool: 'check', reason: 'INVALID_ARGUMENTS' }]);
      expect(handled).toHaveLength(1);
    } finally {
      await client.close();
    }
  });

  it('hands nothing to a handler reached without the guard', () => {
    expect(guardedArguments({}, 'pay', paySchema)).toBeUndefined();
  });
});
