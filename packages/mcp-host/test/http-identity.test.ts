import { afterEach, describe, expect, it } from 'vitest';
import {
  bearerTokenAuthenticator,
  headerTrustAuthenticator,
  serveHttp,
  type HttpHost,
} from '../src/index.js';
import {
  connectClient,
  countingServer,
  memoryLogger,
  MCP_HEADERS,
  rawInitialize,
  whoami,
  whoamiServer,
} from './helpers.js';

const TOKEN_A = 'token-alice-0123456789abcdef';
const TOKEN_B = 'token-bob-0123456789abcdef';
const SERVICE = 'service-secret-0123456789';
const validActor = (id: string) => /^(human|llm|engine):[a-z0-9_-]{1,64}$/.test(id);

let hosts: HttpHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
});

async function bearerHost(): Promise<HttpHost> {
  const host = await serveHttp(whoamiServer, {
    authenticator: bearerTokenAuthenticator([
      { principalId: 'human:alice', token: TOKEN_A },
      { principalId: 'human:bob', token: TOKEN_B },
    ]),
    logger: memoryLogger(),
  });
  hosts.push(host);
  return host;
}

describe('bearer authentication over Streamable HTTP', () => {
  it('hands each principal its own id through the request context', async () => {
    const host = await bearerHost();
    const alice = await connectClient(host.url, { authorization: `Bearer ${TOKEN_A}` });
    const bob = await connectClient(host.url, { authorization: `Bearer ${TOKEN_B}` });
    expect(await whoami(alice.client)).toBe('human:alice');
    expect(await whoami(bob.client)).toBe('human:bob');
    expect(host.sessionCount()).toBe(2);
    await alice.client.close();
    await bob.client.close();
  });

  it('works the same with plain JSON responses (jsonResponse)', async () => {
    const host = await serveHttp(whoamiServer, {
      authenticator: bearerTokenAuthenticator([{ principalId: 'human:alice', token: TOKEN_A }]),
      jsonResponse: true,
      logger: memoryLogger(),
    });
    hosts.push(host);
    const { client } = await connectClient(host.url, { authorization: `Bearer ${TOKEN_A}` });
    expect(await whoami(client)).toBe('human:alice');
    await client.close();
  });

  it('answers 401 with WWW-Authenticate without a token, with a wrong token, or another scheme', async () => {
    const host = await bearerHost();
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Basic ${TOKEN_A}` },
    ] as Array<Record<string, string>>) {
      const res = await rawInitialize(host.url, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.headers.get('mcp-session-id')).toBeNull();
    }
    expect(host.sessionCount()).toBe(0);
  });

  it('the SDK client fails to connect with a wrong token', async () => {
    const host = await bearerHost();
    await expect(connectClient(host.url, { authorization: 'Bearer nope' })).rejects.toThrow();
  });

  it('ignores a spoofed X-Actor-Id under the bearer backend', async () => {
    const host = await bearerHost();
    const { client } = await connectClient(host.url, {
      authorization: `Bearer ${TOKEN_A}`,
      'x-actor-id': 'human:bob',
    });
    expect(await whoami(client)).toBe('human:alice');
    await client.close();
  });

  it('refuses a session id from another principal with 404, exactly like an unknown id', async () => {
    const host = await bearerHost();
    const alice = await connectClient(host.url, { authorization: `Bearer ${TOKEN_A}` });
    const sessionId = alice.transport.sessionId!;
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'whoami', arguments: {} } };
    const send = (token: string, sid: string) =>
      fetch(host.url, {
        method: 'POST',
        headers: {
          ...MCP_HEADERS,
          authorization: `Bearer ${token}`,
          'mcp-session-id': sid,
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify(call),
      });
    const hijack = await send(TOKEN_B, sessionId);
    const unknown = await send(TOKEN_B, '00000000-0000-4000-8000-000000000000');
    expect(hijack.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await hijack.text()).toBe(await unknown.text());
    const del = await fetch(host.url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN_B}`, 'mcp-session-id': sessionId },
    });
    expect(del.status).toBe(404);
    // The owner's session is untouched.
    expect(await whoami(alice.client)).toBe('human:alice');
    await alice.client.close();
  });

  it('DELETE by the owner closes the session; the id is then unknown', async () => {
    const host = await bearerHost();
    const alice = await connectClient(host.url, { authorization: `Bearer ${TOKEN_A}` });
    const sessionId = alice.transport.sessionId!;
    expect(host.sessionCount()).toBe(1);
    await alice.transport.terminateSession();
    expect(host.sessionCount()).toBe(0);
    const res = await fetch(host.url, {
      method: 'GET',
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${TOKEN_A}`,
        'mcp-session-id': sessionId,
      },
    });
    expect(res.status).toBe(404);
  });
});

describe('header-trust authentication', () => {
  async function headerHost(calls: { count: number }): Promise<HttpHost> {
    const host = await serveHttp(countingServer(calls), {
      authenticator: headerTrustAuthenticator({
        serviceToken: SERVICE,
        header: 'x-actor-id',
        validateId: validActor,
      }),
      logger: memoryLogger(),
    });
    hosts.push(host);
    return host;
  }

  it('ignores X-Actor-Id without the service token: 401 and no handler runs', async () => {
    const calls = { count: 0 };
    const host = await headerHost(calls);
    for (const headers of [
      { 'x-actor-id': 'human:alice' },
      { 'x-actor-id': 'human:alice', authorization: 'Bearer guess' },
    ] as Array<Record<string, string>>) {
      const res = await rawInitialize(host.url, headers);
      expect(res.status).toBe(401);
    }
    await expect(connectClient(host.url, { 'x-actor-id': 'human:alice' })).rejects.toThrow();
    expect(calls.count).toBe(0);
    expect(host.sessionCount()).toBe(0);
  });

  it('with the service token, the named actor is the principal', async () => {
    const calls = { count: 0 };
    const host = await headerHost(calls);
    const { client } = await connectClient(host.url, {
      authorization: `Bearer ${SERVICE}`,
      'x-actor-id': 'llm:agent-7',
    });
    expect(await whoami(client)).toBe('llm:agent-7');
    expect(calls.count).toBe(1);
    await client.close();
  });

  it('refuses a missing or invalid actor id with 403 even with the service token', async () => {
    const calls = { count: 0 };
    const host = await headerHost(calls);
    for (const actor of [undefined, 'root', 'human:ALICE;drop', 'human:' + 'x'.repeat(300)]) {
      const headers: Record<string, string> = { authorization: `Bearer ${SERVICE}` };
      if (actor !== undefined) headers['x-actor-id'] = actor;
      const res = await rawInitialize(host.url, headers);
      expect(res.status).toBe(403);
    }
    expect(host.sessionCount()).toBe(0);
  });

  it('a session opened for one actor cannot be used by another actor through the same service', async () => {
    const calls = { count: 0 };
    const host = await headerHost(calls);
    const a = await connectClient(host.url, {
      authorization: `Bearer ${SERVICE}`,
      'x-actor-id': 'human:alice',
    });
    const res = await fetch(host.url, {
      method: 'POST',
      headers: {
        ...MCP_HEADERS,
        authorization: `Bearer ${SERVICE}`,
        'x-actor-id': 'llm:mallory',
        'mcp-session-id': a.transport.sessionId!,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'whoami', arguments: {} },
      }),
    });
    expect(res.status).toBe(404);
    expect(calls.count).toBe(0);
    await a.client.close();
  });
});
