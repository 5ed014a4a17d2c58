import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, browse, Jar, oidcLogin, startStack, type Stack } from './helpers.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 30_000);
afterAll(async () => {
  await stack?.close();
});

describe('OIDC login (authorization code + PKCE) against an in-process oidc-provider', () => {
  it('logs alice in: a server-side session for human:alice with an HttpOnly SameSite=Strict cookie', async () => {
    const { jar, last } = await oidcLogin(stack.service.url, 'alice');
    expect(last.status).toBeLessThan(500);
    const session = jar.raw.find((c) => c.startsWith('closegate_session='));
    expect(session).toBeDefined();
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    // plain-http loopback: a Secure cookie would never be sent back
    expect(session).not.toMatch(/Secure/);
    const api = await apiAs(stack.service.url, jar);
    expect(api.actorId).toBe('human:alice');
    expect(api.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sends PKCE S256, state and nonce to the IdP', async () => {
    const res = await fetch(`${stack.service.url}/auth/login`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.origin).toBe(stack.idp.issuer);
    expect(to.searchParams.get('code_challenge_method')).toBe('S256');
    expect(to.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(to.searchParams.get('state')).toBeTruthy();
    expect(to.searchParams.get('nonce')).toBeTruthy();
    expect(to.searchParams.get('client_id')).toBe('closegate-desk');
  });

  it('refuses a replayed callback and a callback without the browser that started the login', async () => {
    const jar = new Jar();
    // walk the flow but stop at the callback to keep its URL
    let callbackUrl = '';
    const origFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const u = String(input instanceof Request ? input.url : input);
      if (u.includes('/auth/callback')) callbackUrl = u;
      return origFetch(input, init);
    }) as typeof fetch;
    try {
      await oidcLogin(stack.service.url, 'mallory', jar);
    } finally {
      globalThis.fetch = origFetch;
    }
    expect(callbackUrl).toContain('code=');
    // the same code and state again, with the same browser: the pending login is used up
    const replay = await browse(jar, callbackUrl);
    expect(replay.res.status).toBe(401);
    // an attacker's browser (no login cookie) presenting a stolen callback URL
    const stranger = await browse(new Jar(), callbackUrl);
    expect(stranger.res.status).toBe(401);
    expect(await stranger.res.text()).toMatch(/no login in progress/);
  });

  it('refuses a callback whose state does not match the one sent', async () => {
    const jar = new Jar();
    const login = await fetch(`${stack.service.url}/auth/login`, { redirect: 'manual' });
    jar.store(stack.service.url, login);
    const cb = await browse(jar, `${stack.service.url}/auth/callback?code=forged&state=not-the-state`);
    expect(cb.res.status).toBe(401);
    expect(jar.get(stack.service.url, 'closegate_session')).toBeUndefined();
  });
});

describe('actor claim', () => {
  let byEmail: Stack;
  beforeAll(async () => {
    byEmail = await startStack({}, { actorClaim: 'email' });
  }, 30_000);
  afterAll(async () => {
    await byEmail?.close();
  });

  it('names the human by the configured claim (email)', async () => {
    const { jar } = await oidcLogin(byEmail.service.url, 'bob');
    expect((await apiAs(byEmail.service.url, jar)).actorId).toBe('human:bob@example.test');
  });

  it('refuses an IdP subject that is not a plain id (cannot smuggle llm: or engine:)', async () => {
    const { jar, last } = await oidcLogin(stack.service.url, 'llm:recon-operator');
    expect(last.status).toBe(401);
    expect(jar.get(stack.service.url, 'closegate_session')).toBeUndefined();
  });
});
