import { createPublicKey } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { base64url, decodeJwt, generateKeyPair, SignJWT } from 'jose';
import {
  HostConfigError,
  jwtAuthenticator,
  serveHttp,
  type HttpHost,
  type JwtAuthenticatorOptions,
} from '../src/index.js';
import { connectClient, eventually, memoryLogger, rawInitialize, whoami, whoamiServer } from './helpers.js';
import { startTestIssuer, TEST_AUDIENCE, type TestIssuer } from './fixtures/oidc-issuer.js';

let issuer: TestIssuer;
let hosts: HttpHost[] = [];

beforeAll(async () => {
  issuer = await startTestIssuer([
    { clientId: 'alice-laptop', email: 'Alice@Example.com' },
    { clientId: 'recon-agent' },
    { clientId: 'unmapped-service' },
    { clientId: 'sneaky', email: 'engine:recon' },
    { clientId: 'short-lived', email: 'bob@example.com', ttlSeconds: 1 },
  ]);
});
afterAll(async () => {
  await issuer.close();
});
afterEach(async () => {
  await Promise.all(hosts.map((h) => h.close()));
  hosts = [];
  issuer.hangJwks = false;
});

function jwtOptions(extra: Partial<JwtAuthenticatorOptions> = {}): JwtAuthenticatorOptions {
  return {
    issuer: issuer.issuer,
    audience: TEST_AUDIENCE,
    serviceActors: { 'recon-agent': 'llm:agent' },
    ...extra,
  };
}

async function start(extra: Partial<JwtAuthenticatorOptions> = {}) {
  const authenticator = jwtAuthenticator(jwtOptions(extra));
  // The failure throttle is exercised in its own tests; here every refusal must reach the authenticator.
  const host = await serveHttp(whoamiServer, { authenticator, authThrottle: false, logger: memoryLogger() });
  hosts.push(host);
  return { host, authenticator };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A token with the real issuer's kid and claims, signed by a key the issuer never had. */
async function forged(claims: Record<string, unknown>, kid = issuer.currentKid()): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey);
}

function validClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: issuer.issuer,
    aud: TEST_AUDIENCE,
    sub: 'alice-laptop',
    email: 'alice@example.com',
    iat: now,
    exp: now + 300,
  };
}

describe('JWT access tokens from the IdP, end to end through the SDK client', () => {
  it('a person gets human:<email>; a mapped service client gets its mapped actor', async () => {
    const { host } = await start();
    const alice = await connectClient(host.url, bearer(await issuer.token('alice-laptop')));
    expect(await whoami(alice.client)).toBe('human:alice@example.com');
    const agent = await connectClient(host.url, bearer(await issuer.token('recon-agent')));
    expect(await whoami(agent.client)).toBe('llm:agent');
    await Promise.all([alice.client.close(), agent.client.close()]);
  });

  it('a token can never name a non-human actor by itself', async () => {
    const { host } = await start();
    // No mapping and no person claim: refused, not turned into some actor.
    expect((await rawInitialize(host.url, bearer(await issuer.token('unmapped-service')))).status).toBe(403);
    // The IdP writes "engine:recon" into the person claim: refused, never engine:recon.
    expect((await rawInitialize(host.url, bearer(await issuer.token('sneaky')))).status).toBe(403);
    expect(host.sessionCount()).toBe(0);
  });

  it('refuses an expired token (clock tolerance 0)', async () => {
    const { host } = await start({ clockToleranceSeconds: 0 });
    const token = await issuer.token('short-lived');
    const exp = decodeJwt(token).exp!;
    await eventually(() => Date.now() / 1000 > exp + 1, 5_000);
    const res = await rawInitialize(host.url, bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('refuses a token issued for another audience', async () => {
    const { host } = await start();
    const token = await issuer.token('alice-laptop', { resource: 'https://other.example/mcp' });
    expect(decodeJwt(token).aud).toBe('https://other.example/mcp');
    expect((await rawInitialize(host.url, bearer(token))).status).toBe(401);
  });

  it('refuses a token signed by another key under the issuer kid', async () => {
    const { host } = await start();
    await connectClient(host.url, bearer(await issuer.token('alice-laptop'))); // keys cached
    expect((await rawInitialize(host.url, bearer(await forged(validClaims())))).status).toBe(401);
  });

  it('refuses alg none and HS256 keyed with the public key, without looking up a key', async () => {
    const { host, authenticator } = await start();
    const header = (h: object) => base64url.encode(JSON.stringify(h));
    const payload = base64url.encode(JSON.stringify(validClaims()));
    const none = `${header({ alg: 'none', typ: 'at+jwt', kid: issuer.currentKid() })}.${payload}.`;
    const pem = createPublicKey({ key: issuer.publicJwk() as never, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const secrets = [pem, JSON.stringify(issuer.publicJwk())].map((s) => new TextEncoder().encode(s));
    const hmac = await Promise.all(
      secrets.map((secret) =>
        new SignJWT(validClaims())
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: issuer.currentKid() })
          .sign(secret),
      ),
    );
    for (const token of [none, ...hmac])
      expect((await rawInitialize(host.url, bearer(token))).status).toBe(401);
    expect(authenticator.keyFetches).toBe(0);
  });

  it('config refuses none, HS* and a clear-text issuer off loopback', () => {
    for (const algorithms of [['none'], ['HS256'], ['RS256', 'HS512']])
      expect(() => jwtAuthenticator(jwtOptions({ algorithms }))).toThrow(HostConfigError);
    expect(() => jwtAuthenticator(jwtOptions({ issuer: 'http://idp.example.com' }))).toThrow(/https/);
    expect(() => jwtAuthenticator(jwtOptions({ serviceActors: { x: 'has space' } }))).toThrow(
      HostConfigError,
    );
  });
});

describe('issuer keys: rotation, refresh bounds, a hanging JWKS endpoint', () => {
  it('picks up a rotated signing key (new kid) from the issuer', async () => {
    const { host } = await start({ jwksCooldownMs: 0 });
    const before = await connectClient(host.url, bearer(await issuer.token('alice-laptop')));
    expect(await whoami(before.client)).toBe('human:alice@example.com');
    const oldKid = issuer.currentKid();
    await issuer.rotate();
    expect(issuer.currentKid()).not.toBe(oldKid);
    const after = await connectClient(host.url, bearer(await issuer.token('recon-agent')));
    expect(await whoami(after.client)).toBe('llm:agent');
    await Promise.all([before.client.close(), after.client.close()]);
  });

  it('a flood of unknown kids refreshes the JWKS at most once per cooldown', async () => {
    const { host } = await start({ jwksCooldownMs: 60_000 });
    await connectClient(host.url, bearer(await issuer.token('alice-laptop')));
    const fetchesBefore = issuer.jwksRequests;
    for (let i = 0; i < 15; i++) {
      const res = await rawInitialize(host.url, bearer(await forged(validClaims(), `unknown-${i}`)));
      expect(res.status).toBe(401);
    }
    expect(issuer.jwksRequests - fetchesBefore).toBeLessThanOrEqual(1);
  });

  it('a hanging JWKS endpoint is bounded: 503, the server stays responsive, later requests fail fast', async () => {
    issuer.hangJwks = true;
    const { host, authenticator } = await start({ fetchTimeoutMs: 300, jwksCooldownMs: 60_000 });
    const token = await issuer.token('alice-laptop');
    const first = rawInitialize(host.url, bearer(token));
    // While the key fetch hangs, the server answers other requests.
    const health = await fetch(`http://127.0.0.1:${host.port}/healthz`);
    expect(health.status).toBe(200);
    const res = await first;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).not.toBeNull();
    const fetches = authenticator.keyFetches;
    // Within the back-off nobody waits on the IdP again.
    expect((await rawInitialize(host.url, bearer(token))).status).toBe(503);
    expect(authenticator.keyFetches).toBe(fetches);
    expect(host.sessionCount()).toBe(0);
  });

  it('recovers once the JWKS endpoint answers again', async () => {
    issuer.hangJwks = true;
    const { host } = await start({ fetchTimeoutMs: 200, jwksCooldownMs: 100 });
    const token = await issuer.token('alice-laptop');
    expect((await rawInitialize(host.url, bearer(token))).status).toBe(503);
    issuer.hangJwks = false;
    await eventually(async () => (await rawInitialize(host.url, bearer(token))).status === 200, 5_000);
  });
});

describe('OAuth 2.0 Protected Resource Metadata (RFC 9728)', () => {
  it('401 points to the metadata, which names the issuer and the resource', async () => {
    const { host } = await start();
    const res = await rawInitialize(host.url, {});
    expect(res.status).toBe(401);
    const header = res.headers.get('www-authenticate')!;
    const pointer = /resource_metadata="([^"]+)"/.exec(header)?.[1];
    expect(pointer).toBe(`http://127.0.0.1:${host.port}/.well-known/oauth-protected-resource/mcp`);
    const metadata = await fetch(pointer!);
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({
      resource: TEST_AUDIENCE,
      authorization_servers: [issuer.issuer],
      bearer_methods_supported: ['header'],
    });
    const root = await fetch(`http://127.0.0.1:${host.port}/.well-known/oauth-protected-resource`);
    expect(root.status).toBe(200);
  });

  it('is not served for a host without an OAuth authenticator', async () => {
    const host = await serveHttp(whoamiServer, { logger: memoryLogger() });
    hosts.push(host);
    const res = await fetch(`http://127.0.0.1:${host.port}/.well-known/oauth-protected-resource`);
    expect(res.status).toBe(404);
  });
});
