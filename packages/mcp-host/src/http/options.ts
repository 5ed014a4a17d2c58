import { z } from 'zod';
import type { Authenticator } from '../auth/types.js';
import { HostConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';

export type HttpHostOptions = {
  /** Bind address; 127.0.0.1 by default. A non-loopback bind needs a real authenticator. */
  host?: string;
  /** TCP port; 0 (default) picks an ephemeral port. */
  port?: number;
  /** MCP endpoint path; '/mcp' by default. */
  path?: string;
  /** Who is calling; noAuthLoopback('anonymous') when omitted (loopback binds only). */
  authenticator?: Authenticator;
  /** Accepted Host header values (host:port). Defaults to the loopback names of the bound port. */
  allowedHosts?: string[];
  /** Accepted Origin header values. Defaults to http:// + each default allowed host. */
  allowedOrigins?: string[];
  /** Request body limit in bytes (1 MiB) → 413. */
  maxBodyBytes?: number;
  /** Concurrent MCP sessions (64) → 429 with Retry-After. */
  maxSessions?: number;
  /** A session without requests for this long is closed (15 min). */
  idleSessionMs?: number;
  /** Public URL the operator exposes this server at; logs a warning and is added to the allow-lists. */
  publicUrl?: string;
  /** JSON responses instead of SSE streams for POSTs (false: SDK default, allows progress notifications). */
  jsonResponse?: boolean;
  logger?: Logger;
};

const optionsSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(0),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'path must start with / and hold only URL-safe characters')
      .refine((p) => p !== '/healthz', 'path must not be /healthz')
      .default('/mcp'),
    authenticator: z.custom<Authenticator>(
      (v) => typeof (v as Authenticator | undefined)?.authenticate === 'function',
      'authenticator must have an authenticate(req) method',
    ),
    allowedHosts: z.array(z.string().min(1)).min(1).optional(),
    allowedOrigins: z.array(z.string().min(1)).optional(),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    maxSessions: z.number().int().positive().default(64),
    idleSessionMs: z
      .number()
      .int()
      .positive()
      .default(15 * 60 * 1000),
    publicUrl: z.url({ protocol: /^https?$/ }).optional(),
    jsonResponse: z.boolean().default(false),
    logger: z.custom<Logger>((v) => typeof (v as Logger | undefined)?.warn === 'function').optional(),
  })
  .strict();

export type ResolvedHttpOptions = z.infer<typeof optionsSchema>;

export function resolveHttpOptions(
  options: HttpHostOptions,
  defaultAuthenticator: Authenticator,
): ResolvedHttpOptions {
  const parsed = optionsSchema.safeParse({
    ...options,
    authenticator: options.authenticator ?? defaultAuthenticator,
  });
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'options'}: ${i.message}`)
      .join('; ');
    throw new HostConfigError(`invalid HTTP host options: ${detail}`);
  }
  return parsed.data;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function hostWithPort(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`.toLowerCase();
}

/**
 * Allow-lists derived from the port actually bound: the loopback names, the bind
 * address itself when it is a concrete one, and the public URL's host when given.
 */
export function deriveAllowLists(
  options: ResolvedHttpOptions,
  port: number,
): { hosts: ReadonlySet<string>; origins: ReadonlySet<string> } {
  const names = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  if (!isWildcard(options.host)) names.push(hostWithPort(options.host, port));
  const publicUrl = options.publicUrl ? new URL(options.publicUrl) : undefined;
  const hosts = options.allowedHosts ?? [...names, ...(publicUrl ? [publicUrl.host] : [])];
  const origins = options.allowedOrigins ?? [
    ...names.map((n) => `http://${n}`),
    ...(publicUrl ? [publicUrl.origin] : []),
  ];
  return {
    hosts: new Set(hosts.map((h) => h.toLowerCase())),
    origins: new Set(origins.map((o) => o.toLowerCase().replace(/\/+$/, ''))),
  };
}
