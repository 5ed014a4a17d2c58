import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAgentRunner } from '../agent/runner.js';
import { argsErrorMessage } from 'mcp-host';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo } from '../cli/io.js';
import { createBackend } from '../llm/index.js';
import { connectEngine } from '../mcp-client/connect.js';
import type { EngineConnection } from '../mcp-client/types.js';
import { openAgentStore } from '../store/sqlite-store.js';
import type { OidcOptions } from '../auth/oidc.js';
import { startServer } from './index.js';

export const SERVE_USAGE = `usage: closegate-agent serve --engine-url URL [options]

Serves /api/* for the desk and authenticated operators, /auth/* (OIDC login, development
login) and the desk's built assets. Human decisions reach the engine as the logged-in human.

options:
  --engine-url URL      the engine's MCP server, started with CLOSEGATE_AUTH_BACKEND=header-trust
                        (default: $CLOSEGATE_ENGINE_URL); its token: $CLOSEGATE_SERVICE_TOKEN (required)
  --host ADDR           bind address (default 127.0.0.1; off loopback OIDC is required)
  --port N              port (default 8780; 0 = any free port)
  --public-url URL      the https URL a TLS proxy serves this at (allowed Host/Origin, Secure cookies)
  --assets DIR          built desk (default packages/closegate-desk/dist when present)
  --no-assets           serve no desk, only /api and /auth
  --dev-user NAME       loopback only: print a one-time login link for human:NAME
  --oidc-issuer URL     OIDC issuer (default $CLOSEGATE_OIDC_ISSUER)
  --oidc-client-id ID   client id (default $CLOSEGATE_OIDC_CLIENT_ID); secret: $CLOSEGATE_OIDC_CLIENT_SECRET
  --oidc-redirect-uri U redirect URI registered at the IdP (default <url>/auth/callback)
  --actor-claim NAME    sub | email: actor = human:<claim> (default sub)
  --backend NAME        agent backend: scripted | anthropic | llm-cli-gateway (default: $CLOSEGATE_AGENT_BACKEND, else scripted)
  --script FILE  --model NAME  --base-url URL  --gateway-url URL    as for \`closegate-agent run\`
  --actor ID            the agent's engine actor (default: $CLOSEGATE_AGENT_ACTOR, else llm:recon-operator)
  --agent-db PATH       transcripts (default: $CLOSEGATE_AGENT_DB, else ./.closegate/agent.db)
  --json                print {url, devLoginUrl} as JSON once listening
  -h, --help            this help

Stops on SIGINT / SIGTERM.`;

const OPTIONS = {
  'engine-url': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  assets: { type: 'string' },
  'no-assets': { type: 'boolean' },
  'dev-user': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-redirect-uri': { type: 'string' },
  'actor-claim': { type: 'string' },
  backend: { type: 'string' },
  script: { type: 'string' },
  model: { type: 'string' },
  'base-url': { type: 'string' },
  'gateway-url': { type: 'string' },
  actor: { type: 'string' },
  'agent-db': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

function oidcFrom(v: Record<string, unknown>, env: NodeJS.ProcessEnv): OidcOptions | undefined {
  const issuer = (v['oidc-issuer'] as string | undefined) ?? env.CLOSEGATE_OIDC_ISSUER;
  const clientId = (v['oidc-client-id'] as string | undefined) ?? env.CLOSEGATE_OIDC_CLIENT_ID;
  if (issuer === undefined && clientId === undefined) return undefined;
  if (issuer === undefined || clientId === undefined)
    throw new UsageError('OIDC needs both --oidc-issuer and --oidc-client-id', SERVE_USAGE);
  const claim = (v['actor-claim'] as string | undefined) ?? 'sub';
  if (claim !== 'sub' && claim !== 'email')
    throw new UsageError('--actor-claim must be sub or email', SERVE_USAGE);
  return {
    issuer,
    clientId,
    clientSecret: env.CLOSEGATE_OIDC_CLIENT_SECRET || undefined,
    redirectUri: v['oidc-redirect-uri'] as string | undefined,
    actorClaim: claim,
  };
}

/** `closegate-agent serve`: the service with an agent runner, until a signal (or `until`). */
export async function runServeCommand(argv: string[], io: CliIo, until?: Promise<void>): Promise<number> {
  let v: Record<string, unknown>;
  try {
    v = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }).values as Record<
      string,
      unknown
    >;
  } catch (err) {
    throw new UsageError(argsErrorMessage(err), SERVE_USAGE);
  }
  if (v.help === true) {
    io.out(SERVE_USAGE);
    return EXIT_OK;
  }
  const env = io.env;
  const engineUrl = (v['engine-url'] as string | undefined) ?? env.CLOSEGATE_ENGINE_URL;
  if (engineUrl === undefined)
    throw new UsageError('--engine-url (or $CLOSEGATE_ENGINE_URL) is required', SERVE_USAGE);
  const serviceToken = env.CLOSEGATE_SERVICE_TOKEN;
  if (serviceToken === undefined || serviceToken.length < 16)
    throw new UsageError(
      'CLOSEGATE_SERVICE_TOKEN (the engine header-trust token, 16+ characters) is required',
      SERVE_USAGE,
    );
  const portText = (v.port as string | undefined) ?? '8780';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
    throw new UsageError('--port must be 0-65535', SERVE_USAGE);
  const oidc = oidcFrom(v, env);
  const agentActor = (v.actor as string | undefined) ?? env.CLOSEGATE_AGENT_ACTOR ?? 'llm:recon-operator';
  const backend = await createBackend({
    backend: v.backend as string | undefined,
    script: v.script as string | undefined,
    model: v.model as string | undefined,
    baseUrl: v['base-url'] as string | undefined,
    gatewayUrl: v['gateway-url'] as string | undefined,
    env,
  });
  const agentDb = path.resolve(
    (v['agent-db'] as string | undefined) ?? env.CLOSEGATE_AGENT_DB ?? './.closegate/agent.db',
  );
  const secrets = [
    serviceToken,
    env.ANTHROPIC_API_KEY,
    env.CLOSEGATE_AGENT_GATEWAY_TOKEN,
    env.CLOSEGATE_OIDC_CLIENT_SECRET,
  ];
  const store = openAgentStore(agentDb, { secrets: secrets.filter((s): s is string => !!s) });
  let agentEngine: EngineConnection | null = null;
  try {
    agentEngine = await connectEngine({
      url: engineUrl,
      actor: agentActor,
      auth: { kind: 'header-trust', serviceToken },
    });
    const runner = createAgentRunner({ engine: agentEngine, store, backend });
    const service = await startServer({
      host: v.host as string | undefined,
      port: Number(portText),
      publicUrl: v['public-url'] as string | undefined,
      engine: { url: engineUrl, serviceToken },
      oidc,
      devUser: v['dev-user'] as string | undefined,
      assetsDir: v['no-assets'] === true ? null : (v.assets as string | undefined),
      runner,
    });
    if (v.json === true)
      io.out(JSON.stringify({ url: service.url, devLoginUrl: service.devLoginUrl ?? null }));
    else {
      io.out(`closegate agent service on ${service.url}`);
      if (service.devLoginUrl !== undefined) io.out(`one-time login link: ${service.devLoginUrl}`);
      if (oidc !== undefined) io.out(`operators log in at ${service.url}/auth/login`);
    }
    // signals are listened for only once the service runs
    await (until ?? untilSignal());
    await service.close();
    await runner.drain();
    return EXIT_OK;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    io.err(`closegate-agent serve: ${(err as Error).message}`);
    return EXIT_FAILED;
  } finally {
    await agentEngine?.close().catch(() => undefined);
    await backend.close?.().catch(() => undefined);
    store.close();
  }
}
