import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSafeBind, createLogger, isLoopbackHost, type Authenticator, type Logger } from 'mcp-host';
import type { DeskRunner } from '../api/runs-port.js';
import { Verifications } from '../api/verifications.js';
import { DevLogin } from '../auth/dev-login.js';
import { OidcLogin, type OidcOptions } from '../auth/oidc.js';
import { SessionStore, type SessionStoreOptions } from '../auth/sessions.js';
import { EngineGateway, type EngineGatewayOptions } from './engine.js';
import { deriveAllowLists } from 'mcp-host';
import { createHandler } from './http.js';

export interface ServerOptions {
  /** Bind address (default 127.0.0.1). Off loopback, OIDC must be configured. */
  host?: string | undefined;
  /** TCP port (default 0: ephemeral). */
  port?: number | undefined;
  /** The https URL a TLS proxy exposes this service at: allowed Host/Origin, Secure cookies. */
  publicUrl?: string | undefined;
  /** The engine's MCP server (header-trust): human decisions reach it as the logged-in human. */
  engine: EngineGatewayOptions;
  /** Operator login with an OpenID Connect IdP. */
  oidc?: OidcOptions | undefined;
  /** Loopback development login for this user (human:<devUser>), one-time link. */
  devUser?: string | undefined;
  /** Built desk (default packages/closegate-desk/dist when present; null: none). */
  assetsDir?: string | null | undefined;
  /** The agent runner (createAgentRunner); /api/runs and /api/chat answer 503 without it. */
  runner?: DeskRunner | null | undefined;
  /** Request body limit in bytes (default 64 KiB). */
  maxBodyBytes?: number | undefined;
  sessions?: SessionStoreOptions | undefined;
  logger?: Logger | undefined;
  now?: (() => Date) | undefined;
}

export interface RunningServer {
  url: string;
  /** The one-time development login link (loopback binds with devUser only). */
  devLoginUrl?: string;
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ASSETS_DIR = path.resolve(here, '../../../closegate-desk/dist');

/** Stands in for OIDC in mcp-host's bind rule: a non-loopback bind needs a real authenticator. */
const OIDC_AUTHENTICATOR: Authenticator = {
  authenticate: () => ({ ok: false, status: 401, reason: 'operators authenticate with OIDC sessions' }),
};

/**
 * Starts the agent service: /api/* for authenticated operators, /auth/* for login,
 * and the desk's assets, behind the same exposure rules as mcp-host.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  assertSafeBind({ host, authenticator: options.oidc === undefined ? undefined : OIDC_AUTHENTICATOR });
  const logger = options.logger ?? createLogger('closegate-agent');
  if (options.devUser !== undefined && !loopback)
    logger.warn('development login disabled: the service is not bound to loopback');
  const dev = options.devUser !== undefined && loopback ? new DevLogin(options.devUser) : null;
  const assetsDir =
    options.assetsDir === undefined
      ? fs.existsSync(DEFAULT_ASSETS_DIR)
        ? DEFAULT_ASSETS_DIR
        : null
      : options.assetsDir;
  const publicUrl = options.publicUrl === undefined ? undefined : new URL(options.publicUrl);
  const secureCookies = !loopback || publicUrl?.protocol === 'https:';
  const engine = new EngineGateway(options.engine);
  const auth = {
    sessions: new SessionStore(options.sessions),
    oidc: null as OidcLogin | null,
    dev,
    secureCookies,
  };
  let handler: http.RequestListener | null = null;
  // Until OIDC discovery is done, requests get a clear 503 instead of hanging.
  const server = http.createServer((req, res) => {
    if (handler !== null) return handler(req, res);
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
    res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'starting' } }));
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  const hostForUrl = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : hostForUrl}:${port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await engine.close();
  };
  try {
    if (options.oidc !== undefined)
      auth.oidc = await OidcLogin.discover(options.oidc, publicUrl?.origin ?? url);
  } catch (err) {
    await close();
    throw err;
  }
  handler = createHandler({
    lists: deriveAllowLists({ host, publicUrl: options.publicUrl }, port),
    auth,
    api: {
      engine,
      runner: options.runner ?? null,
      verifications: new Verifications(),
      now: options.now ?? (() => new Date()),
    },
    assetsDir,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
    logger,
  });
  if (publicUrl !== undefined)
    logger.warn(`serving under public URL ${publicUrl.origin}: put TLS in front of it`);
  return {
    url,
    ...(dev === null ? {} : { devLoginUrl: `${url}/auth/dev?token=${dev.token}` }),
    close,
  };
}

export type { OidcOptions } from '../auth/oidc.js';
export type { EngineGatewayOptions } from './engine.js';
export type { DeskRunner } from '../api/runs-port.js';
export { runServeCommand, SERVE_USAGE } from './serve-command.js';
