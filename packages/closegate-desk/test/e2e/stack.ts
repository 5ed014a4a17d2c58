/**
 * The real thing, in-process, for the browser suite: a demo book (seeded, one
 * recon pass) behind the engine's MCP server (Streamable HTTP, header-trust),
 * a real OpenID provider (oidc-provider), the agent runner with the scripted
 * backend connected to the engine as the llm actor, and the agent service
 * (startServer) serving the freshly built desk.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Provider from 'oidc-provider';
import { createLogger } from 'mcp-host';
import { openEngine } from 'closegate-engine';
import {
  closeMcpDeps,
  httpAuthFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
} from '../../../closegate-engine/src/mcp/index.js';
import {
  startServer,
  type DeskRunner,
  type RunningServer,
} from '../../../closegate-agent/src/server/index.js';
import { createAgentRunner } from '../../../closegate-agent/src/agent/runner.js';
import { createBackend } from '../../../closegate-agent/src/llm/index.js';
import { connectEngine } from '../../../closegate-agent/src/mcp-client/connect.js';
import type { EngineConnection } from '../../../closegate-agent/src/mcp-client/types.js';
import { openAgentStore } from '../../../closegate-agent/src/store/sqlite-store.js';

export const SERVICE_TOKEN = 'desk-e2e-service-token-0123456789abcdef';
export const LLM_ACTOR = 'llm:recon-operator';
const CLIENT_ID = 'closegate-desk';

export interface DeskStack {
  url: string;
  engineUrl: string;
  /** The agent's own engine connection (actor llm:recon-operator, bound by the transport). */
  llm: EngineConnection;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startIdp(redirectUri: string): Promise<{ issuer: string; close(): Promise<void> }> {
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
    cookies: { keys: ['closegate-desk-e2e-cookie-key'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function startDeskStack(assetsDir: string): Promise<DeskStack> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-e2e-'));
  const quiet = createLogger('desk-e2e', { level: 'silent' });
  const dbPath = path.join(dir, 'recon.db');
  const seed = openEngine({ dbPath });
  seed.seedDemo();
  seed.runReconPass();
  seed.close();

  const env = { CLOSEGATE_AUTH_BACKEND: 'header-trust', CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN };
  const deps = openMcpDeps({ dbPath, env, logger: quiet });
  const engineHost = await serveCloseGateHttp(
    deps,
    { host: '127.0.0.1', port: 0 },
    httpAuthFromEnv(env, () => 'desk-e2e'),
  );
  const port = await freePort();
  const idp = await startIdp(`http://127.0.0.1:${port}/auth/callback`);

  const connect = () =>
    connectEngine({
      url: engineHost.url,
      actor: LLM_ACTOR,
      auth: { kind: 'header-trust', serviceToken: SERVICE_TOKEN },
    });
  const agentEngine = await connect();
  const llm = await connect();
  const store = openAgentStore(path.join(dir, 'agent.db'), { secrets: [SERVICE_TOKEN] });
  const backend = await createBackend({ backend: 'scripted', env: {} });
  const runner = createAgentRunner({ engine: agentEngine, store, backend });

  let service: RunningServer;
  try {
    service = await startServer({
      port,
      engine: { url: engineHost.url, serviceToken: SERVICE_TOKEN },
      oidc: { issuer: idp.issuer, clientId: CLIENT_ID },
      assetsDir,
      // The runner's event union is narrower than the service's structural port (no index signature).
      runner: runner as unknown as DeskRunner,
      logger: quiet,
    });
  } catch (err) {
    await idp.close();
    throw err;
  }
  return {
    url: service.url,
    engineUrl: engineHost.url,
    llm,
    close: async () => {
      await service.close();
      await runner.drain().catch(() => undefined);
      await agentEngine.close().catch(() => undefined);
      await llm.close().catch(() => undefined);
      await backend.close?.().catch(() => undefined);
      store.close();
      await idp.close();
      await engineHost.close();
      closeMcpDeps(deps);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
