import { statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createLogger, type HttpHost } from 'mcp-host';
import { governanceReport } from '../../src/cli/doctor-governance.js';
import { LOCAL_TOKEN_FILE } from '../../src/config/local-token.js';
import { serveGatewayHttp } from '../../src/transport/http.js';
import { tempDir } from '../helpers/env.js';
import { testGateway } from '../helpers/gateway.js';

/**
 * Weakness: HTTP on loopback without a token served every local process as
 * `anonymous` with the operator's credentials. Now a token is generated on
 * first start unless the operator writes `[http] auth = "none"`.
 */
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(toml: string, home?: string) {
  const cfg = tempDir('gw-tok-cfg-');
  const file = join(cfg.dir, 'config.toml');
  writeFileSync(file, `${toml}\n[workspaces]\ndefault = "w"\n[workspaces.w]\npath = "${cfg.dir}"\n`, {
    mode: 0o600,
  });
  const gw = testGateway({
    LLM_GATEWAY_CONFIG: file,
    LLM_GATEWAY_HTTP_PORT: '0',
    LLM_GATEWAY_TRANSPORT: 'http',
    ...(home === undefined ? {} : { LLM_GATEWAY_HOME: home }),
  });
  const notices: string[] = [];
  const host: HttpHost = await serveGatewayHttp(gw.gateway, createLogger('t', { level: 'silent' }), (n) =>
    notices.push(n),
  );
  cleanups.push(
    () => cfg.cleanup(),
    () => gw.cleanup(),
    () => host.close(),
  );
  return { gw, host, notices };
}

async function connect(url: string, token?: string): Promise<Client> {
  const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
  const client = new Client({ name: 'tok', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  cleanups.push(() => client.close());
  return client;
}

describe('loopback HTTP without a configured token', () => {
  it('generates a 0600 token on first start, prints it once with how to pass it, and refuses callers without it', async () => {
    const first = await start('');
    const file = join(first.gw.gateway.home, LOCAL_TOKEN_FILE);
    expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(first.notices).toHaveLength(1);
    const token = /\n {2}([0-9a-f]{64})\n/.exec(first.notices[0]!)![1]!;
    expect(first.notices[0]).toContain('Authorization: Bearer');
    await expect(connect(first.host.url)).rejects.toThrow(/401|Unauthorized/i);
    await expect(connect(first.host.url, 'not-the-token-0123456789')).rejects.toThrow(/401|Unauthorized/i);
    const client = await connect(first.host.url, token);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    // doctor reports the choice.
    expect(
      governanceReport(first.gw.gateway.config, first.gw.gateway.home).exposure.findings.map((f) => f.code),
    ).toContain('LOCAL_TOKEN');

    // A restart on the same home reuses the token and prints nothing.
    const again = await start('', first.gw.gateway.home);
    expect(again.notices).toEqual([]);
    expect((await (await connect(again.host.url, token)).listTools()).tools.length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses to start with a token file others can read', async () => {
    const first = await start('');
    const home = first.gw.gateway.home;
    chmodSync(join(home, LOCAL_TOKEN_FILE), 0o644);
    await expect(start('', home)).rejects.toThrow(/0600/);
  }, 30_000);

  it('serves without a token only when the operator writes auth = "none", and doctor says so', async () => {
    const open = await start('[http]\nauth = "none"\n');
    expect(open.notices).toEqual([]);
    const client = await connect(open.host.url);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    const report = governanceReport(open.gw.gateway.config, open.gw.gateway.home).exposure;
    expect(report.auth).toBe('none');
  }, 30_000);
});
