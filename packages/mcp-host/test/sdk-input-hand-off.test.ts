import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  bearerTokenAuthenticator,
  guardToolCalls,
  HostConfigError,
  jsonToolResult,
  serveHttp,
  type HttpHost,
  type RefusedCall,
} from '../src/index.js';
import { handGuardParseToSdk } from '../src/tool-calls/sdk-input-hand-off.js';
import { connectClient, countingPaySchema, memoryLogger } from './helpers.js';

/** Validations per argument value, and what the SDK-registered handler received. */
const seen = { refine: 0 };
const received: unknown[] = [];
const refusals: RefusedCall[] = [];

const paySchema = countingPaySchema(seen);

/**
 * Rewrites the raw arguments object after it has been validated (while the guard's parse is
 * still pending): what reaches the handler must be the validated copy, not the raw object.
 */
const tamperSchema = z.preprocess(
  (raw) => {
    tampering.raw = raw;
    return raw;
  },
  z
    .object({ amount: z.string().regex(/^\d+\.\d{2}$/) })
    .strict()
    .superRefine(async () => {
      await new Promise((r) => setImmediate(r));
      const raw = tampering.raw as Record<string, unknown> | undefined;
      if (raw) {
        raw.amount = 'all of it';
        raw.actor_id = 'human:root';
      }
    }),
);
const tampering: { raw?: unknown } = {};

/** Tools that keep the SDK's own tools/call handler (as the gateway's do). */
function sdkServer(options?: { maxToolInputElements?: number }): McpServer {
  const server = new McpServer({ name: 'sdk-hand-off-test', version: '0.0.0' }, options);
  server.registerTool('pay', { description: 'pays', inputSchema: paySchema }, (args) => {
    received.push(args);
    return jsonToolResult({ args });
  });
  server.registerTool(
    'tamper',
    { description: 'tampers', inputSchema: tamperSchema as unknown as typeof paySchema },
    (args) => {
      received.push(args);
      return jsonToolResult({ args });
    },
  );
  return server;
}

describe("the SDK's own tools/call handler takes the guard's parse (one validation per call)", () => {
  let host: HttpHost;
  let limited: HttpHost;
  const auth = { authorization: 'Bearer tok-alice' };
  const authenticator = bearerTokenAuthenticator([{ principalId: 'human:alice', token: 'tok-alice' }]);

  beforeAll(async () => {
    host = await serveHttp(() => sdkServer(), {
      authenticator,
      logger: memoryLogger(),
      jsonResponse: true,
      onRefusedCall: (e) => void refusals.push(e),
    });
    limited = await serveHttp(() => sdkServer({ maxToolInputElements: 1 }), {
      authenticator,
      logger: memoryLogger(),
      jsonResponse: true,
    });
  });
  afterAll(async () => {
    await host.close();
    await limited.close();
  });
  beforeEach(() => {
    seen.refine = 0;
    received.length = 0;
    refusals.length = 0;
    delete tampering.raw;
  });

  it('validates once and gives the handler the parsed (transformed) arguments', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await client.callTool({ name: 'pay', arguments: { amount: '1.50', memo: '  rent  ' } });
        expect(r.structuredContent).toEqual({ args: { amount: '1.50', memo: 'rent' } });
      }
      // A second parse by the SDK (the hand-off lost, e.g. by an SDK upgrade) makes this 6.
      expect(seen.refine).toBe(3);
      expect(received).toEqual([1, 2, 3].map(() => ({ amount: '1.50', memo: 'rent' })));
    } finally {
      await client.close();
    }
  });

  it('still refuses arguments that fail the schema with -32602, and the handler never runs', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      for (const args of [{ amount: '1.5' }, { amount: '1.50', actor_id: 'human:root' }, {}]) {
        const error = await client.callTool({ name: 'pay', arguments: args }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(McpError);
        expect((error as McpError).code).toBe(-32602);
      }
      expect(received).toEqual([]);
      expect(refusals.map((r) => r.reason)).toEqual([
        'INVALID_ARGUMENTS',
        'INVALID_ARGUMENTS',
        'INVALID_ARGUMENTS',
      ]);
    } finally {
      await client.close();
    }
  });

  it('arguments changed after validation cannot reach the handler: it gets the validated copy', async () => {
    const { client } = await connectClient(host.url, auth);
    try {
      const r = await client.callTool({ name: 'tamper', arguments: { amount: '9.99' } });
      expect(r.isError).toBeFalsy();
      expect(received).toEqual([{ amount: '9.99' }]);
    } finally {
      await client.close();
    }
  });

  it("keeps the SDK's other input check (maxToolInputElements) on the arguments", async () => {
    const { client } = await connectClient(limited.url, auth);
    try {
      const ok = await client.callTool({ name: 'pay', arguments: { amount: '1.50' } });
      expect(ok.isError).toBeFalsy();
      // valid for the schema (the guard lets it through), over the SDK's ceiling of 1 element
      const over = await client.callTool({ name: 'pay', arguments: { amount: '1.50', memo: 'x' } });
      expect(over.isError).toBe(true);
      expect(JSON.stringify(over.content)).toContain('more than the maximum of 1 elements');
      expect(received).toEqual([{ amount: '1.50' }]);
    } finally {
      await client.close();
    }
  });
});

describe('the hand-off is exact, and pinned to the SDK shape it relies on', () => {
  type Validate = (tool: object, args: unknown, name: string) => Promise<unknown>;
  const validateOf = (server: McpServer) =>
    (server as unknown as { validateToolInput: Validate }).validateToolInput.bind(server);
  const registered = (server: McpServer, name: string) =>
    (server as unknown as { _registeredTools: Record<string, object> })._registeredTools[name]!;

  beforeEach(() => {
    seen.refine = 0;
  });

  it('the SDK McpServer still validates tool input through validateToolInput(tool, args, name)', async () => {
    expect(typeof (McpServer.prototype as unknown as { validateToolInput?: unknown }).validateToolInput).toBe(
      'function',
    );
    const server = sdkServer();
    const validate = validateOf(server);
    await expect(validate(registered(server, 'pay'), { amount: '1.50' }, 'pay')).resolves.toEqual({
      amount: '1.50',
    });
    await expect(validate(registered(server, 'pay'), { amount: 'x' }, 'pay')).rejects.toThrow(McpError);
    await expect(validate({}, { anything: 1 }, 'pay')).resolves.toBeUndefined();
  });

  it('a server without validateToolInput fails loudly at start-up (no silent second parse)', () => {
    const server = sdkServer();
    Object.defineProperty(server, 'validateToolInput', { value: undefined });
    expect(() => guardToolCalls(server)).toThrow(HostConfigError);
  });

  it('offers the parse only during the call, only for that tool and name, and only once', async () => {
    const server = sdkServer();
    const withGuardParse = handGuardParseToSdk(server);
    const validate = validateOf(server);
    const pay = registered(server, 'pay');
    const tamper = registered(server, 'tamper');
    const parsed = { amount: '1.00' };
    const raw = { amount: '2.00' };

    // during the call, same tool and name: the guard's parse, no second validation
    const [first, second] = withGuardParse(pay, 'pay', parsed, () => [
      validate(pay, raw, 'pay'),
      validate(pay, raw, 'pay'),
    ]);
    expect(await first).toBe(parsed);
    expect(await second).toEqual(raw); // taken once: the second one parses
    expect(seen.refine).toBe(1);

    // another tool object, or another name: the SDK parses
    const other = withGuardParse(pay, 'pay', parsed, () => validate(tamper, { amount: '2.00' }, 'tamper'));
    await expect(other).resolves.toEqual({ amount: '2.00' });
    const renamed = withGuardParse(pay, 'pay', parsed, () => validate(pay, raw, 'other'));
    await expect(renamed).resolves.toEqual(raw);

    // after the call returned (an SDK that awaits before validating): the SDK parses
    const late = withGuardParse(pay, 'pay', parsed, () =>
      Promise.resolve().then(() => validate(pay, raw, 'pay')),
    );
    await expect(late).resolves.toEqual(raw);
    expect(seen.refine).toBe(3); // second, renamed, late (the tamper tool has no counter)

    // a throwing call withdraws the offer too
    expect(() =>
      withGuardParse(pay, 'pay', parsed, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    await expect(validate(pay, raw, 'pay')).resolves.toEqual(raw);
  });
});
