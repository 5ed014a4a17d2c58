import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';
import { createLogger } from 'mcp-host';
import { openEngine, type Engine } from 'closegate-engine';
import {
  closeMcpDeps,
  httpAuthFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
} from '../../../closegate-engine/src/mcp/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.js';

export const SERVICE_TOKEN = 'desk-service-token-0123456789abcdef';
export const CLIENT_ID = 'closegate-desk';
export const quiet = () => createLogger('closegate-agent-test', { level: 'silent' });

export function tempDir(prefix = 'closegate-agent-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface EngineFixture {
  url: string;
  dbPath: string;
  dir: string;
  inspect(): Engine;
  close(): Promise<void>;
}

/**
 * The engine's MCP server in-process (header-trust), on a demo book after one recon pass;
 * `policyPath` (default: the example policy) is the policy both the seed and the server use.
 */
export async function startEngine(opts: { policyPath?: string } = {}): Promise<EngineFixture> {
  const dir = tempDir();
  const dbPath = path.join(dir, 'recon.db');
  const seed = openEngine({ dbPath, ...opts });
  seed.seedDemo();
  seed.runReconPass();
  seed.close();
  const env = { CLOSEGATE_AUTH_BACKEND: 'header-trust', CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN };
  const deps = openMcpDeps({ dbPath, env, logger: quiet(), ...opts });
  const host = await serveCloseGateHttp(
    deps,
    { host: '127.0.0.1', port: 0 },
    httpAuthFromEnv(env, () => 't'),
  );
  return {
    url: host.url,
    dbPath,
    dir,
    inspect: () => openEngine({ dbPath, sweepOnOpen: false, ...opts }),
    close: async () => {
      await host.close();
      closeMcpDeps(deps);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface IdpFixture {
  issuer: string;
  close(): Promise<void>;
}

/** A real OpenID provider (oidc-provider) on loopback: a public client that must use PKCE. */
export async function startIdp(redirectUri: string): Promise<IdpFixture> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const issuer = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@example.test`, name: `User ${id}` }),
    }),
    claims: { openid: ['sub'], email: ['email'], profile: ['name'] },
    cookies: { keys: ['closegate-test-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  // the provider warns about dev interactions and in-memory storage on stdout: fine for tests
  server.on('request', provider.callback());
  return { issuer, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A cookie jar keyed by host:port (what a browser would keep apart for Strict cookies here). */
export class Jar {
  readonly byHost = new Map<string, Map<string, string>>();
  readonly raw: string[] = [];
  header(url: string): string {
    const c = this.byHost.get(new URL(url).host);
    return c === undefined ? '' : [...c].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  store(url: string, res: Response): void {
    const host = new URL(url).host;
    for (const line of res.headers.getSetCookie()) {
      this.raw.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const jar = this.byHost.get(host) ?? new Map<string, string>();
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
      this.byHost.set(host, jar);
    }
  }
  get(url: string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }
}

/** fetch with the jar, following redirects by hand (so every hop's cookies are kept). */
export async function browse(
  jar: Jar,
  url: string,
  init: RequestInit = {},
  maxHops = 10,
): Promise<{ res: Response; url: string }> {
  let current = url;
  let opts = init;
  for (let hop = 0; hop <= maxHops; hop++) {
    const headers = new Headers(opts.headers);
    const cookie = jar.header(current);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(current, { ...opts, headers, redirect: 'manual' });
    jar.store(current, res);
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || location === null) return { res, url: current };
    await res.arrayBuffer();
    current = new URL(location, current).href;
    opts = {};
  }
  throw new Error('too many redirects');
}

/**
 * Logs in through the service's OIDC flow as `user`: /auth/login -> IdP login form
 * -> consent -> /auth/callback. Returns the jar holding the session cookie.
 */
export async function oidcLogin(
  serviceUrl: string,
  user: string,
  jar = new Jar(),
): Promise<{ jar: Jar; last: Response }> {
  let { res, url } = await browse(jar, `${serviceUrl}/auth/login`);
  for (let step = 0; step < 3 && url.includes('/interaction/'); step++) {
    const html = await res.text();
    const prompt =
      /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? (html.includes('name="login"') ? 'login' : 'consent');
    const form = new URLSearchParams({ prompt });
    if (prompt === 'login') {
      form.set('login', user);
      form.set('password', 'any');
    }
    ({ res, url } = await browse(jar, url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    }));
  }
  return { jar, last: res };
}

export interface Api {
  get(path: string): Promise<Response>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  csrf: string;
  actorId: string;
}

/** A logged-in browser's view of /api: same-origin Origin and the CSRF token on POSTs. */
export async function apiAs(serviceUrl: string, jar: Jar): Promise<Api> {
  const cookie = () => jar.header(serviceUrl);
  const me = await fetch(`${serviceUrl}/api/me`, { headers: { cookie: cookie() } });
  if (me.status !== 200) throw new Error(`not logged in: ${me.status} ${await me.text()}`);
  const { csrfToken, actorId } = (await me.json()) as { csrfToken: string; actorId: string };
  return {
    csrf: csrfToken,
    actorId,
    get: (p) => fetch(`${serviceUrl}${p}`, { headers: { cookie: cookie() } }),
    post: (p, body, headers = {}) =>
      fetch(`${serviceUrl}${p}`, {
        method: 'POST',
        headers: {
          cookie: cookie(),
          origin: serviceUrl,
          'content-type': 'application/json',
          'x-csrf-token': csrfToken,
          ...headers,
        },
        body: JSON.stringify(body),
      }),
  };
}

export interface Stack {
  engine: EngineFixture;
  idp: IdpFixture;
  service: RunningServer;
  close(): Promise<void>;
}

/** Engine + IdP + service, wired like production (service port fixed first so the IdP knows the redirect). */
export async function startStack(
  extra: Partial<ServerOptions> = {},
  oidcExtra: Partial<NonNullable<ServerOptions['oidc']>> = {},
  engineOpts: { policyPath?: string } = {},
): Promise<Stack> {
  const engine = await startEngine(engineOpts);
  const port = await freePort();
  const idp = await startIdp(`http://127.0.0.1:${port}/auth/callback`);
  const service = await startServer({
    port,
    engine: { url: engine.url, serviceToken: SERVICE_TOKEN },
    oidc: { issuer: idp.issuer, clientId: CLIENT_ID, ...oidcExtra },
    assetsDir: null,
    logger: quiet(),
    ...extra,
  });
  return {
    engine,
    idp,
    service,
    close: async () => {
      await service.close();
      await idp.close();
      await engine.close();
    },
  };
}

/** A raw HTTP request (fetch cannot set Host). */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? 'GET',
        headers: opts.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}
