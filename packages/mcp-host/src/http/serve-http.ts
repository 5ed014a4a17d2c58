import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isNoAuthAuthenticator, noAuthLoopback } from '../auth/no-auth-loopback.js';
import { ExposureError } from '../errors.js';
import { assertSafeBind } from '../exposure/assert-safe-bind.js';
import { isLoopbackAddress } from '../exposure/loopback.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { AuthFailureThrottle } from './auth-failure.js';
import { authenticate } from './authenticate.js';
import { bodyLimit } from './body-limit.js';
import { healthz } from './healthz.js';
import { hostAllowList } from './host-allow-list.js';
import { mcpEndpoint, type ServerFactory } from './mcp-endpoint.js';
import {
  DEFAULT_AUTH_THROTTLE,
  deriveAllowLists,
  perPrincipalCap,
  resolveHttpOptions,
  type HttpHostOptions,
  type ResolvedHttpOptions,
} from './options.js';
import { originAllowList } from './origin-allow-list.js';
import { compose, type HttpContext, type Middleware } from './pipeline.js';
import {
  protectedResource,
  resourceMetadataUrl,
  type ProtectedResourceConfig,
} from './protected-resource.js';
import { sendRpcError } from './respond.js';
import { limitRequestsPerSocket } from './keep-alive-limit.js';
import { sessionCap } from './session-cap.js';
import { SessionRegistry, closeSession } from './session-registry.js';

export type HttpHost = {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
  sessionCount(): number;
};

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function startReaper(registry: SessionRegistry, idleMs: number, logger: Logger): NodeJS.Timeout {
  const interval = Math.min(Math.max(Math.floor(idleMs / 2), 10), 30_000);
  const timer = setInterval(() => {
    for (const session of registry.idle(idleMs)) {
      logger.info('closing idle session', { session: session.id, principal: session.principal.id });
      void closeSession(registry, session);
    }
  }, interval);
  timer.unref();
  return timer;
}

function buildHandler(
  factory: ServerFactory,
  opts: ResolvedHttpOptions,
  port: number,
  registry: SessionRegistry,
  logger: Logger,
) {
  const { hosts, origins } = deriveAllowLists(opts, port);
  const retryAfter = Math.max(1, Math.min(60, Math.ceil(opts.idleSessionMs / 1000)));
  const prm = protectedResourceConfig(opts);
  const throttle =
    opts.authThrottle === false
      ? undefined
      : new AuthFailureThrottle({ ...DEFAULT_AUTH_THROTTLE, ...stripUndefined(opts.authThrottle ?? {}) });
  const discovery: Middleware[] = prm ? [protectedResource(prm, opts.path, opts.publicUrl)] : [];
  const pipeline = compose([
    healthz(),
    hostAllowList(hosts),
    originAllowList(origins),
    ...discovery,
    authenticate(opts.authenticator, {
      throttle,
      onAuthFailure: opts.onAuthFailure,
      resourceMetadataUrl: prm ? resourceMetadataUrl(opts.path, opts.publicUrl) : undefined,
    }),
    bodyLimit(opts.maxBodyBytes),
    sessionCap(registry, opts.path, retryAfter),
    mcpEndpoint({
      path: opts.path,
      registry,
      factory,
      jsonResponse: opts.jsonResponse,
      onRefusedCall: opts.onRefusedCall,
    }),
  ]);
  return async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = (req.url ?? '/').split('?', 1)[0]!;
    const ctx: HttpContext = { req, res, pathname, logger };
    try {
      await pipeline(ctx);
    } catch (error) {
      logger.error('request failed', { error: error instanceof Error ? error.message : String(error) });
      sendRpcError(res, 500, -32603, 'Internal error');
    } finally {
      ctx.slot?.release();
    }
  };
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/** RFC 9728 metadata: explicit option, else what a JWT authenticator knows about its issuer. */
function protectedResourceConfig(opts: ResolvedHttpOptions): ProtectedResourceConfig | undefined {
  if (opts.protectedResource) return opts.protectedResource;
  const hint = opts.authenticator.resourceMetadata;
  if (!hint) return undefined;
  // The audience is the resource identifier when it is a URL (the MCP way); else the endpoint URL.
  const resource = hint.resource && /^https?:\/\//.test(hint.resource) ? hint.resource : undefined;
  return { resource, authorizationServers: hint.authorizationServers, scopesSupported: hint.scopesSupported };
}

/**
 * Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval
 * (30 s by default), so a 10 s header timeout fired after up to ~40 s. Checking at a
 * quarter of the timeout (at most every second) enforces it near its configured value.
 */
function createBoundedServer(opts: ResolvedHttpOptions): Server {
  const server = createServer({
    headersTimeout: opts.headersTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.max(25, Math.floor(opts.headersTimeoutMs / 4))),
  });
  server.maxConnections = opts.maxConnections;
  return server;
}

/** Refuses a bind that resolved to a public address when nobody is authenticated. */
function assertBoundSafely(address: AddressInfo, opts: ResolvedHttpOptions): void {
  if (!isLoopbackAddress(address.address) && isNoAuthAuthenticator(opts.authenticator)) {
    throw new ExposureError(
      `host "${opts.host}" resolved to non-loopback address ${address.address}; refusing to serve without authentication`,
    );
  }
}

/**
 * Serves MCP over Streamable HTTP behind the exposure policy: Host and Origin
 * allow-lists, authentication, body limit and session cap run before any MCP handling.
 * `factory` builds one McpServer per session, for the principal that opened it.
 */
export async function serveHttp(factory: ServerFactory, options: HttpHostOptions = {}): Promise<HttpHost> {
  const logger = options.logger ?? createLogger('mcp-host');
  const opts = resolveHttpOptions(options, noAuthLoopback('anonymous'));
  assertSafeBind(opts);
  if (opts.publicUrl) {
    logger.warn(
      "public URL configured: exposing this server beyond this machine is the operator's responsibility",
      {
        publicUrl: opts.publicUrl,
      },
    );
  }
  const registry = new SessionRegistry(opts.maxSessions, Date.now, perPrincipalCap(opts));
  const server = createBoundedServer(opts);
  const address = await listen(server, opts.host, opts.port);
  try {
    assertBoundSafely(address, opts);
  } catch (error) {
    server.close();
    throw error;
  }
  const handler = buildHandler(factory, opts, address.port, registry, logger);
  server.on('request', limitRequestsPerSocket(opts.maxRequestsPerSocket, handler));
  const reaper = startReaper(registry, opts.idleSessionMs, logger);
  const host = urlHost(opts.host);
  logger.info('MCP HTTP host listening', { host: opts.host, port: address.port, path: opts.path });
  return {
    url: `http://${host}:${address.port}${opts.path}`,
    port: address.port,
    host: opts.host,
    sessionCount: () => registry.size,
    close: async () => {
      clearInterval(reaper);
      await Promise.allSettled(registry.all().map((s) => closeSession(registry, s)));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
