import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { checkCliIdentity } from 'closegate-policy';
import { createLogger, serveHttp, serveStdio, type HttpHost, type Logger, type StdioOptions } from 'mcp-host';
import { resolvePolicyPath } from '../config.js';
import { openEngine } from '../engine.js';
import { AuditSqlSandbox } from './audit-sql/sandbox.js';
import { httpAuthFromEnv, stdioActorFromEnv, type HttpAuth } from './auth-config.js';
import { recordAuthFailure } from './auth-failure-audit.js';
import { recordRefusedCall } from './refused-call-audit.js';
import { defaultCalendarSource, fileCalendarSource } from './calendar.js';
import type { McpDeps } from './context.js';
import { McpConfigError } from './errors.js';
import { stdioOriginAttributes } from './origin.js';
import { createCloseGateServer } from './server.js';

export const randomActorSuffix = (): string => randomBytes(6).toString('hex');

export interface OpenMcpDepsOptions {
  dbPath: string;
  /** Policy file; else CLOSEGATE_POLICY; else the example policy. */
  policyPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  now?: () => Date;
}

/** Opens everything the tools share: engine, audit SQL sandbox, calendar, policy text. The database must exist. */
export function openMcpDeps(opts: OpenMcpDepsOptions): McpDeps {
  const env = opts.env ?? process.env;
  if (!fs.existsSync(opts.dbPath))
    throw new McpConfigError(
      `no database at ${opts.dbPath}: run \`closegate-engine demo\` (or import) first, or pass --db PATH`,
    );
  const policyFile = opts.policyPath ?? resolvePolicyPath(undefined, env);
  const policyText = fs.readFileSync(policyFile, 'utf8');
  // a long-running server: WAL checkpoints in a worker, not inside a tool call's commit
  const engine = openEngine({
    dbPath: opts.dbPath,
    policyText,
    env,
    backgroundCheckpoints: true,
    ...(opts.now ? { now: opts.now } : {}),
  });
  try {
    const calendar = env.CLOSEGATE_CALENDAR
      ? fileCalendarSource(env.CLOSEGATE_CALENDAR)
      : defaultCalendarSource(engine);
    const auditSql = AuditSqlSandbox.open(opts.dbPath);
    return { engine, auditSql, calendar, policyText, logger: opts.logger ?? createLogger('closegate-mcp') };
  } catch (err) {
    engine.close();
    throw err;
  }
}

export function closeMcpDeps(deps: McpDeps): void {
  deps.auditSql.close();
  deps.engine.close();
}

/** stdio: one server, one actor fixed by the process environment. */
export async function serveCloseGateStdio(
  deps: McpDeps,
  env: NodeJS.ProcessEnv,
  options: StdioOptions = {},
  /** The OS account running this process (injectable for tests). */
  osUser: string = os.userInfo().username,
  /** The host name (injectable for tests). */
  hostName: string = os.hostname(),
): Promise<{ actor: string; generated: boolean; close(): Promise<void> }> {
  const { actor, generated } = stdioActorFromEnv(env, randomActorSuffix);
  // A stdio server runs as the local OS account, like the CLI: the policy's cli_identity applies.
  const identity = checkCliIdentity(deps.engine.policy, actor, osUser);
  if (!identity.ok)
    throw new McpConfigError(`CLOSEGATE_ACTOR_ID refused by policy cli_identity: ${identity.reason}`);
  if (generated)
    deps.logger.warn(
      `no CLOSEGATE_ACTOR_ID: acting as ${actor} for this process (set CLOSEGATE_ACTOR_ID to choose)`,
    );
  const host = await serveStdio(
    createCloseGateServer(deps),
    // where this process runs: recorded with every decision made through it, like the CLI's
    { id: actor, transport: 'stdio', attributes: stdioOriginAttributes({ osUser, host: hostName }) },
    // A call refused before the dispatcher (-32602) is still an MCP_TOOL_CALL event.
    { onRefusedCall: (event) => recordRefusedCall(deps.engine, event), ...options },
  );
  return { actor, generated, close: () => host.close() };
}

export interface HttpServeConfig {
  host: string;
  port: number;
  maxSessions?: number | undefined;
  maxSessionsPerPrincipal?: number | undefined;
  maxConnections?: number | undefined;
  headersTimeoutMs?: number | undefined;
  maxRequestsPerSocket?: number | undefined;
  idleSessionMs?: number | undefined;
  maxBodyBytes?: number | undefined;
  publicUrl?: string | undefined;
  allowedHosts?: string[] | undefined;
  allowedOrigins?: string[] | undefined;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new McpConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const list = (raw: string | undefined) =>
  raw === undefined || raw === ''
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** HTTP settings: flags first, then CLOSEGATE_HTTP_* variables, then loopback defaults. */
export function httpConfigFromEnv(
  env: NodeJS.ProcessEnv,
  flags: { host?: string | undefined; port?: string | undefined } = {},
): HttpServeConfig {
  const portText = flags.port ?? env.CLOSEGATE_HTTP_PORT;
  let port = 8765;
  if (portText !== undefined && portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535)
      throw new McpConfigError(`port must be 0-65535, got ${JSON.stringify(portText)}`);
    port = Number(portText);
  }
  return {
    host: flags.host ?? (env.CLOSEGATE_HTTP_HOST || '127.0.0.1'),
    port,
    maxSessions: intFromEnv(env, 'CLOSEGATE_HTTP_MAX_SESSIONS', 1, 10_000),
    maxSessionsPerPrincipal: intFromEnv(env, 'CLOSEGATE_HTTP_MAX_SESSIONS_PER_PRINCIPAL', 1, 10_000),
    maxConnections: intFromEnv(env, 'CLOSEGATE_HTTP_MAX_CONNECTIONS', 1, 100_000),
    headersTimeoutMs: intFromEnv(env, 'CLOSEGATE_HTTP_HEADERS_TIMEOUT_MS', 100, 30_000),
    maxRequestsPerSocket: intFromEnv(env, 'CLOSEGATE_HTTP_MAX_REQUESTS_PER_SOCKET', 1, 1_000_000),
    idleSessionMs: intFromEnv(env, 'CLOSEGATE_HTTP_IDLE_MS', 100, 86_400_000),
    maxBodyBytes: intFromEnv(env, 'CLOSEGATE_HTTP_MAX_BODY_BYTES', 1024, 64 * 1024 * 1024),
    publicUrl: env.CLOSEGATE_PUBLIC_URL || undefined,
    allowedHosts: list(env.CLOSEGATE_HTTP_ALLOWED_HOSTS),
    allowedOrigins: list(env.CLOSEGATE_HTTP_ALLOWED_ORIGINS),
  };
}

/** HTTP: one closegate server per session, behind mcp-host's exposure policy. */
export async function serveCloseGateHttp(
  deps: McpDeps,
  config: HttpServeConfig,
  auth: HttpAuth,
): Promise<HttpHost> {
  const options = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return serveHttp(() => createCloseGateServer(deps), {
    ...options,
    authenticator: auth.authenticator,
    logger: deps.logger,
    // Each refused authentication lands in the audit chain (without the credential).
    onAuthFailure: (event) => void recordAuthFailure(deps.engine, event),
    // A call refused before the dispatcher (-32602) is still an MCP_TOOL_CALL event.
    onRefusedCall: (event) => recordRefusedCall(deps.engine, event),
  });
}

export { httpAuthFromEnv, stdioActorFromEnv };
