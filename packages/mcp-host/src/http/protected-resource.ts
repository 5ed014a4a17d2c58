import { sendJson } from './respond.js';
import type { HttpContext, Middleware } from './pipeline.js';

export const PRM_PATH = '/.well-known/oauth-protected-resource';

export type ProtectedResourceConfig = {
  /** Explicit resource identifier; else the endpoint's URL as the client reached it. */
  resource?: string | undefined;
  authorizationServers: string[];
  scopesSupported?: string[] | undefined;
};

/**
 * The origin the client used: the public URL when configured, else the Host header
 * (already checked against the allow-list, so it cannot point anywhere foreign).
 */
export function requestOrigin(ctx: HttpContext, publicUrl: string | undefined): string {
  if (publicUrl) return new URL(publicUrl).origin;
  return `http://${ctx.req.headers.host ?? 'localhost'}`;
}

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): tells an OAuth-capable MCP client
 * which authorization server issues tokens for this server. Public, read-only, and
 * served both at the root well-known path and the path-suffixed form for the endpoint.
 */
export function protectedResource(
  config: ProtectedResourceConfig,
  mcpPath: string,
  publicUrl?: string,
): Middleware {
  const paths = new Set([PRM_PATH, `${PRM_PATH}${mcpPath}`]);
  return async (ctx, next) => {
    if (!paths.has(ctx.pathname) || (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD')) return next();
    const origin = requestOrigin(ctx, publicUrl);
    sendJson(ctx.res, 200, {
      resource: config.resource ?? `${origin}${mcpPath}`,
      authorization_servers: config.authorizationServers,
      bearer_methods_supported: ['header'],
      ...(config.scopesSupported ? { scopes_supported: config.scopesSupported } : {}),
    });
  };
}

export function resourceMetadataUrl(
  mcpPath: string,
  publicUrl: string | undefined,
): (ctx: HttpContext) => string {
  return (ctx) => `${requestOrigin(ctx, publicUrl)}${PRM_PATH}${mcpPath}`;
}
