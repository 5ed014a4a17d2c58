import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import {
  closeMcpDeps,
  httpAuthFromEnv,
  httpConfigFromEnv,
  McpConfigError,
  openMcpDeps,
  serveCloseGateStdio,
} from '../../src/mcp/index.js';
import { MCP_AUTH_FAILURE_EVENT } from '../../src/mcp/auth-failure-audit.js';
import {
  startTestIssuer,
  TEST_AUDIENCE,
  type TestIssuer,
} from '../../../mcp-host/test/fixtures/oidc-issuer.js';
import {
  bearer,
  call,
  httpClient,
  inspect,
  quietLogger,
  REPO_ROOT,
  seededDb,
  tempDir,
  startHttp,
  TOKEN_ENV,
  TOKENS,
  toolCalls,
} from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer([
    { clientId: 'alice-laptop', email: 'alice@example.com' },
    { clientId: 'recon-agent' },
    { clientId: 'rogue', email: 'engine:recon' },
  ]);
});
afterAll(async () => {
  await issuer.close();
});

const jwtEnv = () => ({
  CLOSEGATE_AUTH_BACKEND: 'jwt',
  CLOSEGATE_JWT_ISSUER: issuer.issuer,
  CLOSEGATE_JWT_AUDIENCE: TEST_AUDIENCE,
  CLOSEGATE_JWT_SERVICE_ACTORS: 'recon-agent=llm:agent-1',
});

async function runCli(args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { CLOSEGATE_POLICY: '', ...env },
    stderrIsTty: false,
    cwd: REPO_ROOT,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('CLOSEGATE_AUTH_BACKEND=jwt: IdP access tokens end to end', () => {
  it('a person acts as human:<email>, a mapped service as its llm: actor, recorded in the audit chain', async () => {
    const db = seededDb();
    const server = await startHttp(db, jwtEnv(), { port: 0 });
    try {
      const alice = await httpClient(server.url, bearer(await issuer.token('alice-laptop')));
      expect((await call(alice, 'get_recon_status')).isError).toBe(false);
      const agent = await httpClient(server.url, bearer(await issuer.token('recon-agent')));
      expect((await call(agent, 'get_recon_status')).isError).toBe(false);
      // An IdP claim saying "engine:recon" never becomes that actor.
      await expect(httpClient(server.url, bearer(await issuer.token('rogue')))).rejects.toThrow(
        /403|Forbidden/,
      );
      await Promise.all([alice.close(), agent.close()]);
    } finally {
      await server.close();
    }
    const engine = inspect(db);
    try {
      const actors = new Set(toolCalls(engine).map((c) => c.actor));
      expect(actors).toEqual(new Set(['human:alice@example.com', 'llm:agent-1']));
    } finally {
      engine.close();
    }
  });

  it('refuses incomplete or unsafe JWT configuration with a message naming the variable', () => {
    expect(() => httpAuthFromEnv({ CLOSEGATE_AUTH_BACKEND: 'jwt' }, () => 'x')).toThrow(
      /CLOSEGATE_JWT_ISSUER/,
    );
    expect(() => httpAuthFromEnv({ ...jwtEnv(), CLOSEGATE_JWT_ALGORITHMS: 'HS256' }, () => 'x')).toThrow(
      McpConfigError,
    );
    expect(() =>
      httpAuthFromEnv({ ...jwtEnv(), CLOSEGATE_JWT_SERVICE_ACTORS: 'recon-agent=root' }, () => 'x'),
    ).toThrow(/CLOSEGATE_JWT_SERVICE_ACTORS/);
    expect(() =>
      httpAuthFromEnv({ ...jwtEnv(), CLOSEGATE_JWT_ISSUER: 'http://idp.example.com' }, () => 'x'),
    ).toThrow(/https/);
  });
});

describe('abuse resistance of the closegate HTTP server', () => {
  it('records a failed authentication as an audit event without the presented token', async () => {
    const db = seededDb();
    const env = { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: TOKEN_ENV };
    const server = await startHttp(db, env, { port: 0 });
    const guess = 'guessed-token-0123456789-secret';
    try {
      await expect(httpClient(server.url, bearer(guess))).rejects.toThrow(/401|Unauthorized/);
    } finally {
      await server.close();
    }
    const engine = inspect(db);
    try {
      const events = engine.queries.auditQuery({ type: MCP_AUTH_FAILURE_EVENT, limit: 10 });
      expect(events).toHaveLength(1);
      expect(events[0]!.payload).toMatchObject({
        remoteAddress: '127.0.0.1',
        status: 401,
        credentialPresented: true,
      });
      expect(JSON.stringify(events)).not.toContain(guess);
      expect(engine.queries.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      engine.close();
    }
  });

  it('a principal holding its session cap does not lock out another (CLOSEGATE_HTTP_MAX_SESSIONS_PER_PRINCIPAL)', async () => {
    const env = {
      CLOSEGATE_AUTH_BACKEND: 'token',
      CLOSEGATE_HTTP_TOKENS: TOKEN_ENV,
      CLOSEGATE_HTTP_MAX_SESSIONS: '8',
      CLOSEGATE_HTTP_MAX_SESSIONS_PER_PRINCIPAL: '1',
    };
    const config = httpConfigFromEnv(env, { port: '0' });
    expect(config).toMatchObject({ maxSessions: 8, maxSessionsPerPrincipal: 1 });
    const server = await startHttp(seededDb(), env, config);
    try {
      const agent = await httpClient(server.url, bearer(TOKENS.agent));
      await expect(httpClient(server.url, bearer(TOKENS.agent))).rejects.toThrow(/429|Too Many/i);
      const alice = await httpClient(server.url, bearer(TOKENS.alice));
      expect((await call(alice, 'get_recon_status')).isError).toBe(false);
      await Promise.all([agent.close(), alice.close()]);
    } finally {
      await server.close();
    }
  });
});

describe('closegate-engine mcp serve --check', () => {
  it('summarizes auth, bind, allow-lists and caps, and exits without serving', async () => {
    const r = await runCli(['mcp', 'serve', '--http', '--check', '--port', '0'], {
      ...jwtEnv(),
      CLOSEGATE_HTTP_MAX_SESSIONS_PER_PRINCIPAL: '3',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /auth: jwt -- JWT from http:\/\/127\.0\.0\.1:\d+, audience https:\/\/mcp\.test\.example\/mcp/,
    );
    expect(r.stdout).toMatch(/recon-agent->llm:agent-1/);
    expect(r.stdout).toMatch(/bind: 127\.0\.0\.1:0 \(loopback\)/);
    expect(r.stdout).toMatch(/maxSessionsPerPrincipal=3/);
    expect(r.stdout).toMatch(/check: ok/);
  });

  it('warns when tokens are set but the backend does not use them', async () => {
    const r = await runCli(['mcp', 'serve', '--http', '--check', '--json'], {
      ...jwtEnv(),
      CLOSEGATE_HTTP_TOKENS: TOKEN_ENV,
    });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { warnings: string[]; auth: { backend: string } };
    expect(report.auth.backend).toBe('jwt');
    expect(report.warnings.join('\n')).toMatch(
      /CLOSEGATE_HTTP_TOKENS set but not used: CLOSEGATE_AUTH_BACKEND is jwt/,
    );
    expect(r.stdout).not.toContain(TOKENS.alice);
  });

  it('fails on a configuration error and on an unauthenticated public bind', async () => {
    const bad = await runCli(['mcp', 'serve', '--http', '--check'], { CLOSEGATE_AUTH_BACKEND: 'jwt' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/error: .*CLOSEGATE_JWT_ISSUER/);
    const open = await runCli(['mcp', 'serve', '--http', '--check', '--host', '0.0.0.0'], {});
    expect(open.code).toBe(2);
    expect(open.stdout).toMatch(/not loopback/);
  });
});

describe('stdio server under policy cli_identity', () => {
  it('refuses a human CLOSEGATE_ACTOR_ID the OS user is not mapped to', async () => {
    const example = fs.readFileSync(
      path.join(REPO_ROOT, 'packages/closegate-policy/examples/policy.yaml'),
      'utf8',
    );
    const policyPath = path.join(tempDir(), 'policy.yaml');
    fs.writeFileSync(
      policyPath,
      example.replace(
        "  require_os_user_match: false\n  # OS login name -> human actor, e.g.  alice: 'human:alice@example.com'\n  os_users: {}",
        "  require_os_user_match: true\n  os_users:\n    bob: 'human:bob'",
      ),
    );
    const deps = openMcpDeps({ dbPath: seededDb(), policyPath, logger: quietLogger() });
    const streams = { stdin: new PassThrough(), stdout: new PassThrough(), guardConsole: false };
    try {
      await expect(
        serveCloseGateStdio(deps, { CLOSEGATE_ACTOR_ID: 'human:carol' }, streams, 'bob'),
      ).rejects.toThrow(/cli_identity: OS user bob may act only as human:bob/);
      const ok = await serveCloseGateStdio(deps, { CLOSEGATE_ACTOR_ID: 'human:bob' }, streams, 'bob');
      expect(ok.actor).toBe('human:bob');
      await ok.close();
    } finally {
      closeMcpDeps(deps);
    }
  });
});
