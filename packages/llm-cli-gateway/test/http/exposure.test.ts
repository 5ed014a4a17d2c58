import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALICE_TOKEN, startHttpGateway, TWO_PRINCIPALS, type HttpGateway } from './http-gateway.js';

let gw: HttpGateway;
beforeAll(async () => {
  gw = await startHttpGateway(
    `${TWO_PRINCIPALS}\n[http]\nmax_body_bytes = 4096\nmax_sessions = 2\nmax_sessions_per_principal = 2\n`,
  );
});
afterAll(async () => gw?.close());

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

function post(headers: Record<string, string>, body = INIT): Promise<{ status: number; body: string }> {
  const url = new URL(gw.host.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const auth = { authorization: `Bearer ${ALICE_TOKEN}` };

describe('HTTP exposure (through mcp-host)', () => {
  it('401 without a token or with a wrong one', async () => {
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    expect((await post({ authorization: ALICE_TOKEN })).status).toBe(401);
  });

  it('403 for a foreign Host or Origin, even with a valid token', async () => {
    expect((await post({ ...auth, host: 'evil.example.test' })).status).toBe(403);
    expect((await post({ ...auth, origin: 'http://evil.example.test' })).status).toBe(403);
  });

  it('413 for a body over max_body_bytes', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(8192) } });
    expect((await post(auth, big)).status).toBe(413);
  });

  it('429 past max_sessions', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(auth)).status);
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses[2]).toBe(429);
  });

  it('/healthz answers without a token and reveals only liveness', async () => {
    const res = await fetch(new URL('/healthz', gw.host.url));
    expect(res.status).toBe(200);
    expect(await res.text()).not.toMatch(/alice|bob|claude/);
  });
});
