import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExposureError } from 'mcp-host';
import { startServer } from '../../src/server/index.js';
import {
  apiAs,
  oidcLogin,
  quiet,
  rawRequest,
  SERVICE_TOKEN,
  startStack,
  tempDir,
  type Api,
  type Stack,
} from './helpers.js';

let stack: Stack;
let alice: Api;
let cookie: string;
let assets: string;
beforeAll(async () => {
  assets = tempDir('closegate-desk-assets-');
  fs.mkdirSync(path.join(assets, 'assets'));
  fs.writeFileSync(path.join(assets, 'index.html'), '<!doctype html><div id="app"></div>');
  fs.writeFileSync(path.join(assets, 'assets', 'index-AbC123xy.js'), 'console.log(1)');
  fs.writeFileSync(path.join(path.dirname(assets), 'secret-outside.txt'), 'do not serve');
  stack = await startStack({ assetsDir: assets });
  const { jar } = await oidcLogin(stack.service.url, 'alice');
  alice = await apiAs(stack.service.url, jar);
  cookie = jar.header(stack.service.url);
}, 30_000);
afterAll(async () => {
  await stack?.close();
  fs.rmSync(assets, { recursive: true, force: true });
});

const url = (p: string) => `${stack.service.url}${p}`;
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('/api refuses the unauthenticated', () => {
  it.each(['/api/me', '/api/escalations', '/api/audit', '/api/runs', '/api/recon/status'])(
    'GET %s -> 401',
    async (p) => {
      const res = await fetch(url(p));
      expect(res.status).toBe(401);
      expect(await errorCode(res)).toBe('UNAUTHENTICATED');
    },
  );

  it('refuses a forged or stale session cookie', async () => {
    for (const forged of [
      'closegate_session=' + 'A'.repeat(43),
      'closegate_session=../../etc',
      'closegate_session=',
    ]) {
      const res = await fetch(url('/api/me'), { headers: { cookie: forged } });
      expect(res.status).toBe(401);
    }
  });

  it('refuses a state change without a session even with a plausible token and Origin', async () => {
    const res = await fetch(url('/api/periods/close-request'), {
      method: 'POST',
      headers: { origin: stack.service.url, 'content-type': 'application/json', 'x-csrf-token': alice.csrf },
      body: JSON.stringify({ entity: 'US01', period: '2026-03' }),
    });
    expect(res.status).toBe(401);
  });
});

describe('/api refuses cross-site requests', () => {
  const post = (headers: Record<string, string>) =>
    fetch(url('/api/periods/close-request'), {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ entity: 'JP01', period: '2026-03' }),
    });

  it('without the CSRF token', async () => {
    const res = await post({ origin: stack.service.url });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('CSRF_REJECTED');
  });

  it('with a wrong CSRF token (same length) or another session token', async () => {
    const wrong = alice.csrf.slice(0, -1) + (alice.csrf.endsWith('A') ? 'B' : 'A');
    expect((await post({ origin: stack.service.url, 'x-csrf-token': wrong })).status).toBe(403);
    expect((await post({ origin: stack.service.url, 'x-csrf-token': `${alice.csrf}x` })).status).toBe(403);
  });

  it('from a foreign Origin even with the right token', async () => {
    const res = await post({ origin: 'https://evil.example', 'x-csrf-token': alice.csrf });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe('CSRF_REJECTED');
    // a foreign origin may not even read
    const read = await fetch(url('/api/me'), { headers: { cookie, origin: 'https://evil.example' } });
    expect(read.status).toBe(403);
  });

  it('without any Origin on a state change', async () => {
    expect((await post({ 'x-csrf-token': alice.csrf })).status).toBe(403);
  });

  it('when the browser says the request is cross-site', async () => {
    const res = await post({
      origin: stack.service.url,
      'x-csrf-token': alice.csrf,
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(403);
  });

  it('as a form post (not JSON)', async () => {
    const res = await fetch(url('/api/periods/close-request'), {
      method: 'POST',
      headers: {
        cookie,
        origin: stack.service.url,
        'x-csrf-token': alice.csrf,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'entity=JP01&period=2026-03',
    });
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('INVALID_REQUEST');
  });

  it('nothing of the refused requests reached the engine', async () => {
    const engine = stack.engine.inspect();
    try {
      const closes = engine.queries
        .auditQuery({ type: 'MCP_TOOL_CALL', limit: 1000 })
        .filter((e) => e.payload.tool === 'close_period');
      expect(closes).toHaveLength(0);
    } finally {
      engine.close();
    }
  });
});

describe('exposure rules', () => {
  it('refuses a Host it does not serve under (DNS rebinding), before looking at the session', async () => {
    const port = new URL(stack.service.url).port;
    for (const host of [`evil.example:${port}`, 'localhost.evil.example', `127.0.0.1:${Number(port) + 1}`]) {
      const res = await rawRequest(url('/api/me'), { headers: { host, cookie } });
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('csrfToken');
    }
    const ok = await rawRequest(url('/api/me'), { headers: { host: `localhost:${port}`, cookie } });
    expect(ok.status).toBe(200);
  });

  it('refuses an oversized body with 413', async () => {
    const res = await alice.post('/api/chat', { message: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
  });

  it('refuses to bind off loopback without OIDC', async () => {
    await expect(
      startServer({
        host: '0.0.0.0',
        engine: { url: stack.engine.url, serviceToken: SERVICE_TOKEN },
        logger: quiet(),
      }),
    ).rejects.toBeInstanceOf(ExposureError);
  });

  it('validates input with typed errors naming the field', async () => {
    const res = await alice.get('/api/escalations?pageSize=5000&sort=amount;drop');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe('INVALID_REQUEST');
    expect(body.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['pageSize', 'sort']));
    expect((await alice.get('/api/escalations?foo=1')).status).toBe(400);
    expect((await alice.get('/api/escalations/abc')).status).toBe(404);
    expect((await alice.get('/api/nope')).status).toBe(404);
  });
});

describe('desk assets', () => {
  it('serves index.html for SPA routes with a strict CSP and nosniff', async () => {
    const res = await fetch(url('/escalations/12'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('id="app"');
  });

  it('serves hashed assets with their content type and a long cache', async () => {
    const res = await fetch(url('/assets/index-AbC123xy.js'));
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(url('/assets/missing.js'))).status).toBe(404);
  });

  it('never serves a file outside the assets directory', async () => {
    for (const p of [
      '/../secret-outside.txt',
      '/%2e%2e/secret-outside.txt',
      '/assets/..%2f..%2fsecret-outside.txt',
    ]) {
      const res = await rawRequest(`${stack.service.url}${p}`, {});
      expect(res.status).not.toBe(500);
      expect(res.body).not.toContain('do not serve');
    }
  });

  it('puts the security headers on API answers too', async () => {
    const res = await alice.get('/api/me');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
