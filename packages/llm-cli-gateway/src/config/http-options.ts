import {
  bearerTokenAuthenticator,
  jwtAuthenticator,
  type Authenticator,
  type HttpHostOptions,
} from 'mcp-host';
import { ConfigError } from './errors.js';
import type { GatewayConfig } from './file.js';

/**
 * HTTP principals live in their own namespace (`http:<name>`), so no token
 * holder can take the identity of the local stdio user (`local:<user>`) and
 * see that user's jobs, sessions or flight-recorder rows.
 */
export function httpPrincipalId(name: string): string {
  return `http:${name}`;
}

/** The IdP's actor (`human:<email>` or a mapped service name), moved into the `http:` namespace. */
function namespaced(inner: Authenticator): Authenticator {
  return {
    ...(inner.resourceMetadata ? { resourceMetadata: inner.resourceMetadata } : {}),
    async authenticate(req) {
      const result = await inner.authenticate(req);
      if (!result.ok) return result;
      return { ok: true, principal: { ...result.principal, id: httpPrincipalId(result.principal.id) } };
    },
  };
}

function jwtFromConfig(config: GatewayConfig): Authenticator {
  const a = config.auth;
  try {
    return namespaced(
      jwtAuthenticator({
        issuer: a.issuer!,
        audience: a.audience!,
        actorClaim: a.actor_claim,
        serviceClaim: a.service_claim,
        serviceActors: a.service_actors,
        clockToleranceSeconds: a.clock_tolerance_seconds,
        requiredScopes: a.required_scopes,
        ...(a.algorithms ? { algorithms: a.algorithms } : {}),
        ...(a.jwks_uri ? { jwksUri: a.jwks_uri } : {}),
      }),
    );
  } catch (err) {
    throw new ConfigError('auth', (err as Error).message, config.file.path);
  }
}

/** The authenticator of `[auth] backend`; undefined = mcp-host's loopback-only default. */
export function httpAuthenticator(config: GatewayConfig): Authenticator | undefined {
  if (config.auth.backend === 'jwt') return jwtFromConfig(config);
  const principals = config.http.principals.map((p) => ({
    principalId: httpPrincipalId(p.name),
    tokenSha256: p.tokenSha256,
  }));
  return principals.length > 0 ? bearerTokenAuthenticator(principals) : undefined;
}

/**
 * mcp-host options for the gateway's `[http]` and `[auth]` settings: bearer principals
 * from their SHA-256 hashes (config and LLM_GATEWAY_AUTH_TOKEN) or IdP-issued JWTs,
 * allow-lists, body limit, session caps, connection limits and idle reaper. With no
 * authenticator, mcp-host's loopback-only default applies and a non-loopback bind is refused.
 */
export function httpHostOptions(config: GatewayConfig): HttpHostOptions {
  const h = config.http;
  return {
    host: h.host,
    port: h.port,
    path: h.path,
    authenticator: httpAuthenticator(config),
    allowedHosts: h.allowedHosts === undefined ? undefined : [...h.allowedHosts],
    allowedOrigins: h.allowedOrigins === undefined ? undefined : [...h.allowedOrigins],
    maxBodyBytes: h.maxBodyBytes,
    maxSessions: h.maxSessions,
    ...(h.maxSessionsPerPrincipal === undefined
      ? {}
      : { maxSessionsPerPrincipal: h.maxSessionsPerPrincipal }),
    maxConnections: h.maxConnections,
    headersTimeoutMs: h.headersTimeoutMs,
    maxRequestsPerSocket: h.maxRequestsPerSocket,
    idleSessionMs: h.idleSessionMs,
    publicUrl: h.publicUrl,
  };
}
