import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestIssuer,
  TEST_AUDIENCE,
  type TestIssuer,
} from '../../../mcp-host/test/fixtures/oidc-issuer.js';
import { writeFileSync } from 'node:fs';
import { assessExposure } from '../../src/config/exposure.js';
import { loadConfig, parseConfigText } from '../../src/config/file.js';
import { tempDir } from '../helpers/env.js';
import { jsonOf } from '../helpers/mcp-client.js';
import {
  ALICE_TOKEN,
  BOB_TOKEN,
  startHttpGateway,
  TWO_PRINCIPALS,
  type HttpGateway,
} from './http-gateway.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer([
    { clientId: 'alice-laptop', email: 'alice@example.com' },
    { clientId: 'orchestrator-client' },
    { clientId: 'unmapped' },
  ]);
});
afterAll(async () => issuer.close());

const jwtToml = () => `
[auth]
backend = "jwt"
issuer = "${issuer.issuer}"
audience = "${TEST_AUDIENCE}"

[auth.service_actors]
"orchestrator-client" = "orchestrator"
`;

async function owners(gw: HttpGateway, token: string): Promise<Set<string>> {
  const client = await gw.connect(token);
  await client.callTool({ name: 'claude_request', arguments: { prompt: 'hello from the idp test' } });
  const rows = jsonOf<{ rows: Array<{ owner: string }> }>(
    await client.callTool({
      name: 'flight_recorder_query',
      arguments: { sql: 'SELECT owner FROM requests' },
    }),
  ).rows;
  return new Set(rows.map((r) => r.owner));
}

describe('[auth] backend = "jwt": IdP access tokens end to end', () => {
  let gw: HttpGateway;
  beforeAll(async () => {
    gw = await startHttpGateway(jwtToml());
  });
  afterAll(async () => gw?.close());

  it('a person is http:human:<email>, a mapped service client http:<mapped name>', async () => {
    expect(await owners(gw, await issuer.token('alice-laptop'))).toEqual(
      new Set(['http:human:alice@example.com']),
    );
    expect(await owners(gw, await issuer.token('orchestrator-client'))).toEqual(
      new Set(['http:orchestrator']),
    );
  });

  it('refuses an unmapped service, another audience, and a static token; 401 points to the metadata', async () => {
    await expect(gw.connect(await issuer.token('unmapped'))).rejects.toThrow(/403|Forbidden/);
    const other = await issuer.token('alice-laptop', { resource: 'https://other.example/mcp' });
    await expect(gw.connect(other)).rejects.toThrow(/401|Unauthorized/);
    const res = await fetch(gw.host.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const pointer = /resource_metadata="([^"]+)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1];
    expect(pointer).toBeDefined();
    const metadata = (await (await fetch(pointer!)).json()) as { authorization_servers: string[] };
    expect(metadata.authorization_servers).toEqual([issuer.issuer]);
  });

  it('config: backend "jwt" needs issuer and audience', () => {
    expect(() => parseConfigText('[auth]\nbackend = "jwt"\n')).toThrow(/auth\.issuer/);
    expect(() => parseConfigText(`[auth]\nbackend = "jwt"\nissuer = "https://idp.example.com"\n`)).toThrow(
      /auth\.audience/,
    );
  });
});

describe('doctor with [auth] backend = "jwt"', () => {
  it('reports the issuer, counts JWT as authentication for a public bind, and warns about ignored tokens', () => {
    const t = tempDir('gw-idp-doctor-');
    try {
      writeFileSync(join(t.dir, 'config.toml'), `${TWO_PRINCIPALS}\n${jwtToml()}`, { mode: 0o600 });
      const report = assessExposure(
        loadConfig({
          LLM_GATEWAY_HOME: t.dir,
          LLM_GATEWAY_TRANSPORT: 'http',
          LLM_GATEWAY_HTTP_HOST: '0.0.0.0',
        }),
      );
      expect(report.auth).toBe(`jwt (issuer ${issuer.issuer}, audience ${TEST_AUDIENCE})`);
      const codes = report.findings.map((f) => `${f.level}:${f.code}`);
      expect(codes).toContain('warning:TOKENS_NOT_USED');
      expect(codes).not.toContain('unsafe:PUBLIC_BIND_WITHOUT_TOKEN');
    } finally {
      t.cleanup();
    }
  });
});

describe('abuse resistance of the gateway HTTP transport', () => {
  it('records a failed authentication as a flight-recorder row, without the presented token', async () => {
    const gw = await startHttpGateway(TWO_PRINCIPALS);
    const guess = 'guessed-gateway-token-0123456789';
    try {
      await expect(gw.connect(guess)).rejects.toThrow(/401|Unauthorized/);
      const db = new Database(join(gw.home, 'logs.db'), { readonly: true });
      try {
        const rows = db
          .prepare(
            "SELECT owner, cli, status, error, error_code, prompt FROM requests WHERE error_code = 'AUTH_FAILED'",
          )
          .all() as Array<Record<string, string>>;
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          owner: 'http:(unauthenticated)',
          cli: 'auth',
          status: 'failed',
          prompt: '',
        });
        expect(rows[0]!.error).toMatch(/^401 POST \/mcp from 127\.0\.0\.1/);
        expect(JSON.stringify(rows)).not.toContain(guess);
      } finally {
        db.close();
      }
    } finally {
      await gw.close();
    }
  });

  it('a principal holding its session cap does not block another (max_sessions_per_principal)', async () => {
    const gw = await startHttpGateway(
      `${TWO_PRINCIPALS}\n[http]\nmax_sessions = 8\nmax_sessions_per_principal = 1\n`,
    );
    try {
      await gw.connect(ALICE_TOKEN);
      await expect(gw.connect(ALICE_TOKEN)).rejects.toThrow(/429|Too Many/i);
      const bob = await gw.connect(BOB_TOKEN);
      expect((await bob.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await gw.close();
    }
  });
});
