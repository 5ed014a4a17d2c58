import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createLogger, type HttpHost } from 'mcp-host';
import type { RequestPlane } from '../../src/jobs/plane.js';
import { serveGatewayHttp } from '../../src/transport/http.js';
import { tempDir } from '../helpers/env.js';
import { testGateway } from '../helpers/gateway.js';

export const ALICE_TOKEN = 'alice-token-0123456789abcdef';
export const BOB_TOKEN = 'bob-token-0123456789abcdef';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export const TWO_PRINCIPALS = `
[[http.principals]]
name = "alice"
token_sha256 = "${sha(ALICE_TOKEN)}"

[[http.principals]]
name = "bob"
token_sha256 = "${sha(BOB_TOKEN)}"
`;

export interface HttpGateway {
  host: HttpHost;
  plane: RequestPlane;
  env: NodeJS.ProcessEnv;
  dir: string;
  home: string;
  /** Canonical path of the default workspace registered for the test (when the toml names none). */
  workspace: string;
  connect(token?: string): Promise<Client>;
  close(): Promise<void>;
}

/**
 * The real wiring (config.toml → createGateway → serveGatewayHttp) on an
 * ephemeral loopback port, with the fake CLIs on PATH.
 */
export async function startHttpGateway(
  toml: string,
  extraEnv: Record<string, string> = {},
  opts: { maxPermission?: 'read-only' | 'edits' | 'full' } = {},
): Promise<HttpGateway> {
  const cfgDir = tempDir('gw-http-cfg-');
  const configFile = join(cfgDir.dir, 'config.toml');
  const workspace = join(cfgDir.dir, 'ws');
  mkdirSync(workspace, { mode: 0o700 });
  // HTTP callers must run in a registered workspace: register one unless the test brings its own.
  const body = toml.includes('[workspaces')
    ? toml
    : `${toml}\n[workspaces]\ndefault = "main"\n\n[workspaces.main]\npath = "${workspace}"\n${
        opts.maxPermission === undefined ? '' : `max_permission = "${opts.maxPermission}"\n`
      }`;
  writeFileSync(configFile, `${body}\n`, { mode: 0o600 });
  const gw = testGateway({ ...extraEnv, LLM_GATEWAY_CONFIG: configFile, LLM_GATEWAY_HTTP_PORT: '0' });
  const host = await serveGatewayHttp(gw.gateway, createLogger('test', { level: 'silent' }));
  const clients: Client[] = [];
  return {
    host,
    plane: gw.gateway.plane,
    env: gw.env,
    dir: gw.dir,
    home: gw.gateway.home,
    workspace: realpathSync(workspace),
    async connect(token?: string) {
      const headers: Record<string, string> = token === undefined ? {} : { Authorization: `Bearer ${token}` };
      const transport = new StreamableHTTPClientTransport(new URL(host.url), { requestInit: { headers } });
      const client = new Client({ name: 'http-test', version: '1.0.0' });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.allSettled(clients.map((c) => c.close()));
      await host.close();
      await gw.gateway.close();
      gw.cleanup();
      cfgDir.cleanup();
    },
  };
}
