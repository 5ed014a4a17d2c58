import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bearerTokenAuthenticator, createLogger, headerTrustAuthenticator, type HttpHost } from 'mcp-host';
import { parseActor } from 'closegate-policy';
import { closeMcpDeps, openMcpDeps, serveCloseGateHttp } from '../../mcp/serve.js';
import type { McpDeps } from '../../mcp/context.js';
import type { Workspace } from '../workspace.js';
import { evalClock } from '../workspace.js';

/** Actors the eval server knows, each with its own bearer token. */
export const EVAL_ACTORS = [
  'llm:agent-1',
  'llm:agent-2',
  'human:alice',
  'human:bob',
  'human:carol',
  'engine:autoconfirm',
] as const;
export type EvalActor = (typeof EVAL_ACTORS)[number];

export interface EvalServer {
  url: string;
  port: number;
  deps: McpDeps;
  token(actor: EvalActor): string;
  /** A header-trust server on the same database (trusted proxy names the actor). */
  proxyUrl: string;
  serviceToken: string;
  close(): Promise<void>;
}

/**
 * The live closegate MCP server for the red team: loopback, ephemeral ports,
 * token authentication (one token per actor) and, on a second port over the
 * same engine, the header-trust backend. Logs are silenced.
 */
export async function startEvalServer(
  ws: Workspace,
  template: string,
  policyText: string,
  name = 'mcp',
): Promise<EvalServer> {
  const dbPath = ws.dbPath(name);
  fs.copyFileSync(template, dbPath);
  fs.chmodSync(dbPath, 0o600);
  const policyPath = path.join(ws.dir, `${path.basename(dbPath)}.policy.yaml`);
  fs.writeFileSync(policyPath, policyText, { mode: 0o600 });
  const logger = createLogger('closegate-eval', { level: 'silent' });
  const deps = openMcpDeps({
    dbPath,
    policyPath,
    env: { CLOSEGATE_ENV: 'dev' },
    logger,
    now: evalClock('2026-04-04T08:00:00.000Z'),
  });
  const tokens = new Map<EvalActor, string>(EVAL_ACTORS.map((a) => [a, randomBytes(24).toString('hex')]));
  const serviceToken = randomBytes(24).toString('hex');
  let main: HttpHost | undefined;
  let proxy: HttpHost | undefined;
  try {
    main = await serveCloseGateHttp(
      deps,
      { host: '127.0.0.1', port: 0, maxSessions: 512 },
      {
        backend: 'token',
        authenticator: bearerTokenAuthenticator(
          [...tokens].map(([principalId, token]) => ({ principalId, token })),
        ),
      },
    );
    proxy = await serveCloseGateHttp(
      deps,
      { host: '127.0.0.1', port: 0, maxSessions: 64 },
      {
        backend: 'header-trust',
        authenticator: headerTrustAuthenticator({
          serviceToken,
          header: 'x-actor-id',
          validateId: (id) => {
            try {
              parseActor(id);
              return true;
            } catch {
              return false;
            }
          },
        }),
      },
    );
  } catch (err) {
    await main?.close();
    closeMcpDeps(deps);
    throw err;
  }
  const m = main;
  const p = proxy;
  return {
    url: m.url,
    port: m.port,
    deps,
    token: (actor) => tokens.get(actor)!,
    proxyUrl: p.url,
    serviceToken,
    close: async () => {
      await p.close();
      await m.close();
      closeMcpDeps(deps);
    },
  };
}
