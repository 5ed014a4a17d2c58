import { z } from 'zod';
import type { Authenticator } from '../auth/types.js';
import { HostConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AuthFailureEvent } from './auth-failure.js';
import type { OnRefusedCall } from '../tool-calls/guard.js';

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
  /** Concurrent MCP sessions, all principals together (64) → 429 with Retry-After. A backstop. */
  maxSessions?: number;
  /** Concurrent sessions of one principal (default a quarter of maxSessions, at least 1) → 429. */
  maxSessionsPerPrincipal?: number;
  /** Time a client has to send the complete request headers (10 s); enforced to ~1 s. */
  headersTimeoutMs?: number;
  /** Time a client has to send the complete request (30 s). */
  requestTimeoutMs?: number;
  /** Concurrent TCP connections (256); further connections are closed on accept. */
  maxConnections?: number;
  /** Requests served on one keep-alive connection (1000) before it is closed. */
  maxRequestsPerSocket?: number;
  /** Failed-authentication throttle per source address; `false` turns it off. */
  authThrottle?: Partial<AuthThrottleOptions> | false;
  /** Called for each refused authentication (never with the presented credential). Must not throw. */
  onAuthFailure?: (event: AuthFailureEvent) => void;
  /** Records each call refused with -32602 before a tool handler ran (unknown tool, bad arguments). */
  onRefusedCall?: OnRefusedCall;
  /**
   * OAuth 2.0 Protected Resource Metadata (RFC 9728) served at /.well-known/oauth-protected-resource.
   * Taken from the authenticator (JWT) when omitted; `resource` defaults to the public URL of the endpoint.
   */
  protectedResource?: { resource?: string; authorizationServers: string[]; scopesSupported?: string[] };
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
    maxSessionsPerPrincipal: z.number().int().positive().optional(),
    headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
    requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
    maxConnections: z.number().int().positive().default(256),
    maxRequestsPerSocket: z.number().int().positive().default(1000),
    authThrottle: z
      .union([
        z.literal(false),
        z
          .object({
            freeFailures: z.number().int().min(0).max(1000).optional(),
            baseDelayMs: z.number().int().min(1).max(3_600_000).optional(),
            maxDelayMs: z.number().int().min(1).max(86_400_000).optional(),
            forgetAfterMs: z.number().int().min(1).max(86_400_000).optional(),
            maxTrackedAddresses: z.number().int().min(1).max(1_000_000).optional(),
          })
          .strict(),
      ])
      .optional(),
    onAuthFailure: z.custom<(event: AuthFailureEvent) => void>((v) => typeof v === 'function').optional(),
    onRefusedCall: z.custom<OnRefusedCall>((v) => typeof v === 'function').optional(),
    protectedResource: z
      .object({
        resource: z.url().optional(),
        authorizationServers: z.array(z.url()).min(1),
        scopesSupported: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .optional(),
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

export type AuthThrottleOptions = {
  /** Failures from one address before back-off starts (5). */
  freeFailures: number;
  /** First back-off (1 s), doubled with every further failure. */
  baseDelayMs: number;
  /** Longest back-off (15 min). */
  maxDelayMs: number;
  /** An address without failures for this long starts over (15 min). */
  forgetAfterMs: number;
  /** Memory bound: the least recently failing addresses are forgotten first (10 000). */
  maxTrackedAddresses: number;
};

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = {
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 15 * 60_000,
  maxTrackedAddresses: 10_000,
};

/** A quarter of the global cap, so at least four principals always fit. */
export function perPrincipalCap(options: ResolvedHttpOptions): number {
  return Math.min(
    options.maxSessions,
    options.maxSessionsPerPrincipal ?? Math.max(1, Math.ceil(options.maxSessions / 4)),
  );
}

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
  // Node refuses a header timeout longer than the request timeout; say so in our terms.
  if (parsed.data.headersTimeoutMs > parsed.data.requestTimeoutMs)
    throw new HostConfigError('invalid HTTP host options: headersTimeoutMs must not exceed requestTimeoutMs');
  return parsed.data;
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

function hostWithPort(host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${bracketed}:${port}`.toLowerCase();
}

/** The Host and Origin values a server answers under (lower case, no trailing slash). */
export interface AllowLists {
  hosts: ReadonlySet<string>;
  origins: ReadonlySet<string>;
}

/**
 * Allow-lists derived from the port actually bound: the loopback names, the bind
 * address itself when it is a concrete one, and the public URL's host when given.
 */
export function deriveAllowLists(
  options: Pick<ResolvedHttpOptions, 'host' | 'publicUrl' | 'allowedHosts' | 'allowedOrigins'>,
  port: number,
): AllowLists {
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
