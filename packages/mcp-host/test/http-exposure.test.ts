import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { bearerTokenAuthenticator, serveHttp, type HttpHost, type HttpHostOptions } from '../src/index.js';
import {
  connectClient,
  eventually,
  INIT_BODY,
  MCP_HEADERS,
  memoryLogger,
  rawInitialize,
  whoami,
  whoamiServer,
} from './helpers.js';

const TOKEN = 'exposure-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let hosts: HttpHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
});

async function start(options: HttpHostOptions = {}): Promise<HttpHost> {
  const host = await serveHttp(whoamiServer, {
    authenticator: bearerTokenAuthenticator([{ principalId: 'human:alice', token: TOKEN }]),
    logger: memoryLogger(),
    ...options,
  });
  hosts.push(host);
  return host;
}

/** Raw request with full control of Host and body framing (fetch forbids setting Host). */
function rawRequest(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    chunks?: Buffer[];
    body?: Buffer;
  },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/mcp',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    // The server may close the socket once it has answered 413; only the response matters.
    req.on('error', () => {});
    if (options.chunks) {
      for (const chunk of options.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

describe('Host and Origin allow-lists (DNS rebinding)', () => {
  it('refuses a foreign Host with 403 before authentication', async () => {
    const host = await start();
    const body = Buffer.from(JSON.stringify(INIT_BODY));
    for (const name of [`evil.example:${host.port}`, 'evil.example', `127.0.0.1:${host.port + 1}`]) {
      const res = await rawRequest(host.port, { headers: { ...MCP_HEADERS, ...AUTH, host: name }, body });
      expect(res.status).toBe(403);
    }
    expect(host.sessionCount()).toBe(0);
  });

  it('accepts the loopback names of the bound port', async () => {
    const host = await start();
    const body = Buffer.from(JSON.stringify(INIT_BODY));
    for (const name of [`127.0.0.1:${host.port}`, `localhost:${host.port}`, `LOCALHOST:${host.port}`]) {
      const res = await rawRequest(host.port, { headers: { ...MCP_HEADERS, ...AUTH, host: name }, body });
      expect(res.status).toBe(200);
    }
  });

  it('refuses a foreign Origin with 403, accepts the own origin', async () => {
    const host = await start();
    for (const origin of [
      'http://evil.example',
      'null',
      `http://127.0.0.1:${host.port + 1}`,
      `https://localhost:${host.port}`,
    ]) {
      const res = await rawInitialize(host.url, { ...AUTH, origin });
      expect(res.status).toBe(403);
    }
    const own = await rawInitialize(host.url, { ...AUTH, origin: `http://localhost:${host.port}` });
    expect(own.status).toBe(200);
  });

  it('honours explicit allow-lists and the public URL', async () => {
    const host = await start({
      allowedOrigins: ['https://app.example'],
      publicUrl: 'https://mcp.example.com',
    });
    expect((await rawInitialize(host.url, { ...AUTH, origin: 'https://app.example' })).status).toBe(200);
    expect((await rawInitialize(host.url, { ...AUTH, origin: `http://localhost:${host.port}` })).status).toBe(
      403,
    );
    const viaProxy = await rawRequest(host.port, {
      headers: { ...MCP_HEADERS, ...AUTH, host: 'mcp.example.com' },
      body: Buffer.from(JSON.stringify(INIT_BODY)),
    });
    expect(viaProxy.status).toBe(200);
  });

  it('warns on stderr logger when a public URL is configured', async () => {
    const logger = memoryLogger();
    await start({ publicUrl: 'https://mcp.example.com', logger });
    expect(logger.lines.some((l) => l.includes('WARN') && l.includes("operator's responsibility"))).toBe(
      true,
    );
  });
});

describe('body size limit', () => {
  it('refuses a declared oversized body with 413 without reading it', async () => {
    const host = await start({ maxBodyBytes: 1024 });
    const body = Buffer.alloc(4096, 0x20);
    const res = await rawRequest(host.port, {
      headers: {
        ...MCP_HEADERS,
        ...AUTH,
        host: `127.0.0.1:${host.port}`,
        'content-length': String(body.length),
      },
      body,
    });
    expect(res.status).toBe(413);
  });

  it('refuses a chunked body once it grows past the limit (no Content-Length)', async () => {
    const host = await start({ maxBodyBytes: 1024 });
    const chunks = Array.from({ length: 16 }, () => Buffer.alloc(512, 0x20));
    const res = await rawRequest(host.port, {
      headers: { ...MCP_HEADERS, ...AUTH, host: `127.0.0.1:${host.port}`, 'transfer-encoding': 'chunked' },
      chunks,
    });
    expect(res.status).toBe(413);
    expect(host.sessionCount()).toBe(0);
  });

  it('a body within the limit still works', async () => {
    const host = await start({ maxBodyBytes: 4096 });
    const { client } = await connectClient(host.url, AUTH);
    expect(await whoami(client)).toBe('human:alice');
    await client.close();
  });
});

describe('session cap and idle reaper', () => {
  it('answers 429 with Retry-After past maxSessions, and frees the slot on DELETE', async () => {
    const host = await start({ maxSessions: 2, maxSessionsPerPrincipal: 2 });
    const a = await connectClient(host.url, AUTH);
    const b = await connectClient(host.url, AUTH);
    const refused = await rawInitialize(host.url, AUTH);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Existing sessions keep working at the cap.
    expect(await whoami(a.client)).toBe('human:alice');
    await a.transport.terminateSession();
    const c = await connectClient(host.url, AUTH);
    expect(host.sessionCount()).toBe(2);
    await Promise.all([a.client.close(), b.client.close(), c.client.close()]);
  });

  it('concurrent initializations cannot overshoot the cap', async () => {
    const host = await start({ maxSessions: 3, maxSessionsPerPrincipal: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, () => rawInitialize(host.url, AUTH)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect(host.sessionCount()).toBe(3);
  });

  it('a failed initialization gives its slot back', async () => {
    const host = await start({ maxSessions: 1 });
    const notInit = await fetch(host.url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...AUTH },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(notInit.status).toBe(400);
    const badJson = await fetch(host.url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...AUTH },
      body: '{nope',
    });
    expect(badJson.status).toBe(400);
    expect((await rawInitialize(host.url, AUTH)).status).toBe(200);
  });

  it('the reaper closes an idle session and frees its slot', async () => {
    const host = await start({ maxSessions: 1, idleSessionMs: 300 });
    const a = await connectClient(host.url, AUTH);
    const sessionId = a.transport.sessionId!;
    expect(host.sessionCount()).toBe(1);
    await eventually(() => host.sessionCount() === 0);
    const stale = await fetch(host.url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...AUTH, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(stale.status).toBe(404);
    const b = await connectClient(host.url, AUTH);
    expect(await whoami(b.client)).toBe('human:alice');
    await Promise.allSettled([a.client.close(), b.client.close()]);
  });
});

describe('GET /healthz', () => {
  it('answers without credentials and reveals only the status', async () => {
    const host = await start();
    await connectClient(host.url, AUTH);
    const res = await fetch(`http://127.0.0.1:${host.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    for (const header of ['server', 'x-powered-by', 'mcp-session-id'])
      expect(res.headers.get(header)).toBeNull();
  });

  it('other paths and methods stay behind the checks', async () => {
    const host = await start();
    expect((await fetch(`http://127.0.0.1:${host.port}/healthz`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${host.port}/other`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${host.port}/other`, { headers: AUTH })).status).toBe(404);
  });
});
