import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import type { ProviderId } from '../providers/contract.js';
import { workspaceRegistry, type WorkspaceRegistry } from '../workspaces/registry.js';
import type { AuthFileConfig } from './auth-schema.js';
import { gatewayHome } from './paths.js';
import { ConfigError } from './errors.js';
import {
  configFileSchema,
  type ApprovalStrategy,
  type ApprovalThreshold,
  type ConfigFile,
  type ManagedClaudeMode,
  type McpServerConfig,
} from './schema.js';

export const CONFIG_FILE = 'config.toml';
export const JOBS_DB = 'jobs.db';
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Principal name given to the token from LLM_GATEWAY_AUTH_TOKEN. */
export const ENV_TOKEN_PRINCIPAL = 'env-token';

export interface HttpPrincipalConfig {
  readonly name: string;
  /** Lowercase hex SHA-256 of the bearer token: the token itself is never kept. */
  readonly tokenSha256: string;
  readonly source: 'config' | 'env' | 'generated';
}

export interface GatewayConfig {
  readonly file: { readonly path: string; readonly exists: boolean };
  readonly transport: 'stdio' | 'http';
  readonly persistence: { readonly backend: 'sqlite' | 'none'; readonly path: string | null };
  /** `[store]`: SQLite files (default) or one PostgreSQL database shared by several instances. */
  readonly store: StoreConfig;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly path: string;
    readonly publicUrl?: string;
    readonly maxBodyBytes: number;
    readonly maxSessions: number;
    readonly maxSessionsPerPrincipal?: number;
    readonly maxConnections: number;
    readonly headersTimeoutMs: number;
    readonly maxRequestsPerSocket: number;
    readonly idleSessionMs: number;
    readonly allowedHosts?: readonly string[];
    readonly allowedOrigins?: readonly string[];
    readonly principals: readonly HttpPrincipalConfig[];
    /** `[http] auth`: "token" generates one on first start when no principal is configured. */
    readonly auth: 'token' | 'none';
  };
  /** `[auth]` as validated (backend "token" uses http.principals; "jwt" the IdP settings). */
  readonly auth: AuthFileConfig;
  readonly limits: {
    readonly maxConcurrent: number;
    readonly perProvider: Readonly<Partial<Record<ProviderId, number>>>;
    readonly maxQueue: number;
    readonly queueTimeoutMs: number;
    /** 0: sync requests are never deferred to a job. */
    readonly syncDeadlineMs: number;
    readonly dedupWindowMs: number;
    readonly jobLeaseMs: number;
    /** Longest timeoutMs / idleTimeoutMs a request may ask for (the smaller of the global and per-principal ceilings). */
    readonly maxTimeoutMs: number;
    /** Time budget of one flight_recorder_query statement (its worker process is killed past it). */
    readonly queryTimeoutMs: number;
    readonly perPrincipal: {
      /** CLI slots one principal may hold at once. */
      readonly maxConcurrent: number;
      /** Requests one principal may have waiting for a slot (sync and async). */
      readonly maxQueued: number;
    };
  };
  readonly approval: {
    readonly strategy: ApprovalStrategy;
    readonly threshold: ApprovalThreshold;
    readonly claudePermissionMode: ManagedClaudeMode;
  };
  readonly mcpServers: Readonly<Record<string, McpServerConfig>>;
  /** `[providers.<cli>] cloud`: cloud backends whose credentials may reach that CLI. */
  readonly cloudBackends: Readonly<Partial<Record<ProviderId, readonly string[]>>>;
  /** `[workspaces]`: where HTTP callers' agents may run, and with what ceiling. */
  readonly workspaces: WorkspaceRegistry;
  /** Environment variables that overrode the file (names only, never values). */
  readonly envOverrides: readonly string[];
}

export type StoreConfig =
  | { readonly backend: 'sqlite' }
  | {
      readonly backend: 'postgres';
      readonly url: string;
      /** The setting the URL came from, for error messages: `store.url` or `env:LLM_GATEWAY_DATABASE_URL`. */
      readonly setting: 'store.url' | 'env:LLM_GATEWAY_DATABASE_URL';
    };

/** The URL with any password replaced, safe for logs, `doctor` and error messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** `LLM_GATEWAY_DATABASE_URL` alone selects PostgreSQL; `[store] backend = "postgres"` needs a URL from one of the two. */
function resolveStore(file: ConfigFile, envUrl: string | undefined): StoreConfig {
  if (envUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(envUrl)) {
      throw new ConfigError('env:LLM_GATEWAY_DATABASE_URL', 'must be a postgres:// or postgresql:// URL');
    }
    return { backend: 'postgres', url: envUrl, setting: 'env:LLM_GATEWAY_DATABASE_URL' };
  }
  if (file.store.backend === 'sqlite') return { backend: 'sqlite' };
  if (file.store.url === undefined) {
    throw new ConfigError(
      'store.url',
      'is required with backend = "postgres" (or set LLM_GATEWAY_DATABASE_URL)',
    );
  }
  return { backend: 'postgres', url: file.store.url, setting: 'store.url' };
}

/** `$LLM_GATEWAY_CONFIG`, else `config.toml` in the data directory. */
export function configPath(env: NodeJS.ProcessEnv = process.env): { path: string; explicit: boolean } {
  const override = env.LLM_GATEWAY_CONFIG;
  if (override !== undefined && override !== '') return { path: resolve(override), explicit: true };
  return { path: join(gatewayHome(env), CONFIG_FILE), explicit: false };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(root)';
}

function firstIssue(error: z.ZodError, file: string): ConfigError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = formatPath([...issue.path, issue.keys[0]!]);
    return new ConfigError(key, 'unknown key (check the spelling; see the README for every key)', file);
  }
  return new ConfigError(formatPath(issue.path), issue.message, file);
}

function readToml(path: string): unknown {
  const size = statSync(path).size;
  if (size > MAX_CONFIG_BYTES) throw new ConfigError('(file)', `larger than ${MAX_CONFIG_BYTES} bytes`, path);
  try {
    return parseToml(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof TomlError)
      throw new ConfigError(`(syntax, line ${err.line})`, err.message.split('\n')[0]!, path);
    throw err;
  }
}

/** Parses and validates a TOML document; exported for tests and `doctor`. */
export function parseConfigText(text: string, file = '(inline)'): ConfigFile {
  let raw: unknown;
  try {
    raw = parseToml(text);
  } catch (err) {
    if (err instanceof TomlError)
      throw new ConfigError(`(syntax, line ${err.line})`, err.message.split('\n')[0]!, file);
    throw err;
  }
  return validate(raw, file);
}

function validate(raw: unknown, file: string): ConfigFile {
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw firstIssue(parsed.error, file);
  return parsed.data;
}

function envPort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError('env:LLM_GATEWAY_HTTP_PORT', 'is not a port number (0-65535)');
  }
  return Number(value);
}

function envTransport(value: string): 'stdio' | 'http' {
  if (value !== 'stdio' && value !== 'http') {
    throw new ConfigError('env:LLM_GATEWAY_TRANSPORT', 'is not a transport (stdio | http)');
  }
  return value;
}

function envPublicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('env:LLM_GATEWAY_PUBLIC_URL', 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('env:LLM_GATEWAY_PUBLIC_URL', 'must be an http(s) URL');
  }
  return value;
}

function principalsFrom(file: ConfigFile, envToken: string | undefined): HttpPrincipalConfig[] {
  const list: HttpPrincipalConfig[] = file.http.principals.map((p) => ({
    name: p.name,
    tokenSha256: p.token_sha256,
    source: 'config' as const,
  }));
  if (envToken === undefined || envToken === '') return list;
  if (envToken.length < 16) {
    throw new ConfigError(
      'env:LLM_GATEWAY_AUTH_TOKEN',
      'is shorter than 16 characters; use a long random token',
    );
  }
  const digest = createHash('sha256').update(envToken, 'utf8').digest('hex');
  if (list.some((p) => p.tokenSha256 === digest)) return list; // same token already configured
  if (list.some((p) => p.name === ENV_TOKEN_PRINCIPAL)) {
    throw new ConfigError(
      'env:LLM_GATEWAY_AUTH_TOKEN',
      `a configured principal is already named "${ENV_TOKEN_PRINCIPAL}"`,
    );
  }
  return [...list, { name: ENV_TOKEN_PRINCIPAL, tokenSha256: digest, source: 'env' }];
}

function resolveStorePath(file: ConfigFile, home: string, base: string): string | null {
  if (file.persistence.backend === 'none') return null;
  const p = file.persistence.path;
  if (p === undefined) return join(home, JOBS_DB);
  return isAbsolute(p) ? p : resolve(base, p);
}

/** Turns the validated file plus environment overrides into the gateway's settings. */
export function resolveConfig(
  file: ConfigFile,
  env: NodeJS.ProcessEnv,
  source: GatewayConfig['file'],
): GatewayConfig {
  const overrides: string[] = [];
  const pick = (name: string): string | undefined => {
    const v = env[name];
    if (v === undefined || v === '') return undefined;
    overrides.push(name);
    return v;
  };
  const transport = pick('LLM_GATEWAY_TRANSPORT');
  const host = pick('LLM_GATEWAY_HTTP_HOST');
  const port = pick('LLM_GATEWAY_HTTP_PORT');
  const publicUrl = pick('LLM_GATEWAY_PUBLIC_URL');
  const token = pick('LLM_GATEWAY_AUTH_TOKEN');
  const databaseUrl = pick('LLM_GATEWAY_DATABASE_URL');
  const home = gatewayHome(env);
  const h = file.http;
  const l = file.limits;
  return {
    file: source,
    transport: transport === undefined ? 'stdio' : envTransport(transport),
    persistence: {
      backend: file.persistence.backend,
      path: resolveStorePath(file, home, dirname(source.path)),
    },
    store: resolveStore(file, databaseUrl),
    http: {
      host: host ?? h.host,
      port: port === undefined ? h.port : envPort(port),
      path: h.path,
      publicUrl: publicUrl === undefined ? h.public_url : envPublicUrl(publicUrl),
      maxBodyBytes: h.max_body_bytes,
      maxSessions: h.max_sessions,
      ...(h.max_sessions_per_principal === undefined
        ? {}
        : { maxSessionsPerPrincipal: h.max_sessions_per_principal }),
      maxConnections: h.max_connections,
      headersTimeoutMs: h.headers_timeout_ms,
      maxRequestsPerSocket: h.max_requests_per_socket,
      idleSessionMs: h.idle_session_seconds * 1000,
      allowedHosts: h.allowed_hosts,
      allowedOrigins: h.allowed_origins,
      principals: principalsFrom(file, token),
      auth: h.auth,
    },
    auth: file.auth,
    limits: {
      maxConcurrent: l.max_concurrent,
      perProvider: l.per_provider,
      maxQueue: l.max_queue,
      queueTimeoutMs: l.queue_timeout_seconds * 1000,
      syncDeadlineMs: l.sync_deadline_seconds * 1000,
      dedupWindowMs: l.dedup_window_seconds * 1000,
      jobLeaseMs: l.job_lease_seconds * 1000,
      maxTimeoutMs:
        Math.min(l.max_timeout_seconds, l.per_principal.max_timeout_seconds ?? l.max_timeout_seconds) * 1000,
      queryTimeoutMs: l.query_timeout_ms,
      perPrincipal: {
        // Default: half the slots and a quarter of the queue, so one token cannot take them all.
        maxConcurrent: Math.min(
          l.max_concurrent,
          l.per_principal.max_concurrent ?? Math.max(1, Math.floor(l.max_concurrent / 2)),
        ),
        maxQueued: l.per_principal.max_queued ?? Math.max(1, Math.floor(l.max_queue / 4)),
      },
    },
    approval: {
      strategy: file.approval.strategy,
      threshold: file.approval.threshold,
      claudePermissionMode: file.approval.claude_permission_mode,
    },
    mcpServers: file.mcp_servers,
    cloudBackends: Object.fromEntries(
      Object.entries(file.providers).map(([cli, p]) => [cli, p?.cloud ?? []]),
    ),
    workspaces: workspaceRegistry(file.workspaces),
    envOverrides: overrides,
  };
}

/**
 * Loads the gateway configuration: the TOML file (missing = defaults, unless
 * `LLM_GATEWAY_CONFIG` names it explicitly), validated strictly, then the
 * `LLM_GATEWAY_*` environment overrides. Throws `ConfigError` naming the key.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const { path, explicit } = configPath(env);
  const exists = existsSync(path);
  if (!exists && explicit) {
    throw new ConfigError('env:LLM_GATEWAY_CONFIG', `${path} does not exist`);
  }
  const file = validate(exists ? readToml(path) : {}, path);
  return resolveConfig(file, env, { path, exists });
}
