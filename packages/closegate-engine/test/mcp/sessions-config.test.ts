import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  httpAuthFromEnv,
  httpConfigFromEnv,
  McpConfigError,
  stdioActorFromEnv,
  tokenEntriesFromEnv,
} from '../../src/mcp/index.js';
import {
  bearer,
  call,
  httpClient,
  inspect,
  seededDb,
  startHttp,
  tempDir,
  TOKEN_ENV,
  TOKENS,
} from './helpers.js';

const rnd = () => 'abc123';

describe('session cap and idle reaper (closegate server config)', () => {
  it('caps concurrent sessions from CLOSEGATE_HTTP_MAX_SESSIONS and reaps idle ones after CLOSEGATE_HTTP_IDLE_MS', async () => {
    const env = {
      CLOSEGATE_AUTH_BACKEND: 'token',
      CLOSEGATE_HTTP_TOKENS: TOKEN_ENV,
      CLOSEGATE_HTTP_MAX_SESSIONS: '2',
      CLOSEGATE_HTTP_IDLE_MS: '1500',
    };
    const config = httpConfigFromEnv(env, { port: '0' });
    expect(config).toMatchObject({ maxSessions: 2, idleSessionMs: 1500, host: '127.0.0.1', port: 0 });
    const server = await startHttp(seededDb(), env, config);
    try {
      const a = await httpClient(server.url, bearer(TOKENS.agent));
      const b = await httpClient(server.url, bearer(TOKENS.alice));
      await expect(httpClient(server.url, bearer(TOKENS.bob))).rejects.toThrow(/429|Too Many/i);
      expect(server.host.sessionCount()).toBe(2);
      // No traffic: the reaper closes both sessions and frees their slots.
      await expect.poll(() => server.host.sessionCount(), { timeout: 5000, interval: 100 }).toBe(0);
      const c = await httpClient(server.url, bearer(TOKENS.bob));
      expect((await call(c, 'get_recon_status')).isError).toBe(false);
      await Promise.allSettled([a.close(), b.close(), c.close()]);
    } finally {
      await server.close();
    }
  });
});

describe('configuration from the environment', () => {
  it('parses CLOSEGATE_HTTP_TOKENS into actor=token pairs and validates actor ids and token strength', () => {
    expect(
      tokenEntriesFromEnv({
        CLOSEGATE_HTTP_TOKENS: `human:alice=${TOKENS.alice}, llm:agent-1=${TOKENS.agent}`,
      }),
    ).toEqual([
      { principalId: 'human:alice', token: TOKENS.alice },
      { principalId: 'llm:agent-1', token: TOKENS.agent },
    ]);
    const digest = 'a'.repeat(64);
    expect(tokenEntriesFromEnv({ CLOSEGATE_HTTP_TOKENS: `human:bob=sha256:${digest}` })).toEqual([
      { principalId: 'human:bob', tokenSha256: digest },
    ]);
    expect(() => tokenEntriesFromEnv({ CLOSEGATE_HTTP_TOKENS: `root=${TOKENS.alice}` })).toThrow(
      McpConfigError,
    );
    expect(() => tokenEntriesFromEnv({ CLOSEGATE_HTTP_TOKENS: 'human:alice=short' })).toThrow(/at least 16/);
    expect(() => tokenEntriesFromEnv({})).toThrow(/CLOSEGATE_HTTP_TOKENS/);
  });

  it('reads a tokens file only when it is private', () => {
    const file = path.join(tempDir(), 'tokens');
    fs.writeFileSync(file, `# closegate tokens\nhuman:alice=${TOKENS.alice}\n`, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => tokenEntriesFromEnv({ CLOSEGATE_HTTP_TOKENS_FILE: file })).toThrow(/chmod 600/);
    fs.chmodSync(file, 0o600);
    expect(tokenEntriesFromEnv({ CLOSEGATE_HTTP_TOKENS_FILE: file })).toEqual([
      { principalId: 'human:alice', token: TOKENS.alice },
    ]);
  });

  it('chooses the HTTP backend; prod refuses to run without one; header-trust needs a strong service token', () => {
    expect(httpAuthFromEnv({}, rnd)).toMatchObject({ backend: 'none', actor: 'llm:http-abc123' });
    expect(httpAuthFromEnv({ CLOSEGATE_ACTOR_ID: 'human:dev' }, rnd)).toMatchObject({
      backend: 'none',
      actor: 'human:dev',
    });
    expect(() => httpAuthFromEnv({ CLOSEGATE_ENV: 'prod' }, rnd)).toThrow(/prod/);
    expect(() => httpAuthFromEnv({ CLOSEGATE_AUTH_BACKEND: 'ldap' }, rnd)).toThrow(
      /one of token, header-trust, jwt, none/,
    );
    expect(() =>
      httpAuthFromEnv({ CLOSEGATE_AUTH_BACKEND: 'header-trust', CLOSEGATE_SERVICE_TOKEN: 'short' }, rnd),
    ).toThrow(/CLOSEGATE_SERVICE_TOKEN/);
    expect(() =>
      httpAuthFromEnv(
        {
          CLOSEGATE_AUTH_BACKEND: 'header-trust',
          CLOSEGATE_SERVICE_TOKEN: 'x'.repeat(20),
          CLOSEGATE_HEADER_TRUST_HEADER: 'Authorization',
        },
        rnd,
      ),
    ).toThrow(/CLOSEGATE_HEADER_TRUST_HEADER/);
    expect(
      httpAuthFromEnv(
        { CLOSEGATE_AUTH_BACKEND: 'header-trust', CLOSEGATE_SERVICE_TOKEN: 'x'.repeat(20) },
        rnd,
      ).backend,
    ).toBe('header-trust');
  });

  it('binds the stdio actor from CLOSEGATE_ACTOR_ID, required in prod', () => {
    expect(stdioActorFromEnv({ CLOSEGATE_ACTOR_ID: 'llm:agent-1' }, rnd)).toEqual({
      actor: 'llm:agent-1',
      generated: false,
    });
    expect(stdioActorFromEnv({}, rnd)).toEqual({ actor: 'llm:stdio-abc123', generated: true });
    expect(() => stdioActorFromEnv({ CLOSEGATE_ENV: 'prod' }, rnd)).toThrow(/CLOSEGATE_ACTOR_ID/);
    expect(() => stdioActorFromEnv({ CLOSEGATE_ACTOR_ID: 'admin' }, rnd)).toThrow(McpConfigError);
  });

  it('validates ports and limits', () => {
    expect(httpConfigFromEnv({ CLOSEGATE_HTTP_HOST: '::1', CLOSEGATE_HTTP_PORT: '9000' })).toMatchObject({
      host: '::1',
      port: 9000,
    });
    expect(
      httpConfigFromEnv({ CLOSEGATE_HTTP_PORT: '9000' }, { host: '127.0.0.2', port: '9001' }),
    ).toMatchObject({ host: '127.0.0.2', port: 9001 });
    expect(() => httpConfigFromEnv({ CLOSEGATE_HTTP_PORT: '99999' })).toThrow(/port/);
    expect(() => httpConfigFromEnv({ CLOSEGATE_HTTP_MAX_SESSIONS: '0' })).toThrow(
      /CLOSEGATE_HTTP_MAX_SESSIONS/,
    );
  });
});

describe('WAL checkpoints of the long-running server', () => {
  it('run in a worker: the server writer only checkpoints at the backstop, a plain engine at SQLite default', async () => {
    const dbPath = seededDb();
    const plain = inspect(dbPath);
    expect(plain.context.store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    plain.close();
    const fixture = await startHttp(dbPath, {
      CLOSEGATE_AUTH_BACKEND: 'token',
      CLOSEGATE_HTTP_TOKENS: TOKEN_ENV,
    });
    try {
      const db = fixture.deps.engine.context.store.db;
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(20_000);
      // the server still works and its chain stays intact with the worker running
      const client = await httpClient(fixture.url, bearer(TOKENS.alice));
      const pass = await call(client, 'run_recon_pass', { idempotency_key: 'checkpoint-test-pass-1' });
      expect(pass.isError).toBe(false);
      expect(pass.body).toMatchObject({ state: 'SUCCEEDED' });
      await client.close();
      expect(fixture.deps.engine.queries.verifyAudit().ok).toBe(true);
    } finally {
      await fixture.close();
    }
  });
});
