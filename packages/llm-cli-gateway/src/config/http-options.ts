import { bearerTokenAuthenticator, type HttpHostOptions } from 'mcp-host';
import type { GatewayConfig } from './file.js';

/**
 * HTTP principals live in their own namespace (`http:<name>`), so no token
 * holder can take the identity of the local stdio user (`local:<user>`) and
 * see that user's jobs, sessions or flight-recorder rows.
 */
export function httpPrincipalId(name: string): string {
  return `http:${name}`;
}

/**
 * mcp-host options for the gateway's `[http]` settings: bearer principals from
 * their SHA-256 hashes (config and LLM_GATEWAY_AUTH_TOKEN), allow-lists, body
 * limit, session cap and idle reaper. With no principal, mcp-host's
 * loopback-only default applies and a non-loopback bind is refused.
 */
export function httpHostOptions(config: GatewayConfig): HttpHostOptions {
  const h = config.http;
  const principals = h.principals.map((p) => ({
    principalId: httpPrincipalId(p.name),
    tokenSha256: p.tokenSha256,
  }));
  return {
    host: h.host,
    port: h.port,
    path: h.path,
    authenticator: principals.length > 0 ? bearerTokenAuthenticator(principals) : undefined,
    allowedHosts: h.allowedHosts === undefined ? undefined : [...h.allowedHosts],
    allowedOrigins: h.allowedOrigins === undefined ? undefined : [...h.allowedOrigins],
    maxBodyBytes: h.maxBodyBytes,
    maxSessions: h.maxSessions,
    idleSessionMs: h.idleSessionMs,
    publicUrl: h.publicUrl,
  };
}
