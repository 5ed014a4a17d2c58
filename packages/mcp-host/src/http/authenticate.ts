import type { Authenticator, AuthResult } from '../auth/types.js';
import { makePrincipal } from '../principal.js';
import type { AuthFailureEvent, AuthFailureThrottle } from './auth-failure.js';
import { sendRpcError } from './respond.js';
import type { HttpContext, Middleware } from './pipeline.js';

export type AuthenticateConfig = {
  /** Per-address back-off on failed authentication; omitted = no throttle. */
  throttle?: AuthFailureThrottle | undefined;
  onAuthFailure?: ((event: AuthFailureEvent) => void) | undefined;
  /** URL of the RFC 9728 metadata for this request, pointed to from WWW-Authenticate. */
  resourceMetadataUrl?: ((ctx: HttpContext) => string) | undefined;
};

function challenge(ctx: HttpContext, config: AuthenticateConfig): string {
  const metadata = config.resourceMetadataUrl?.(ctx);
  return metadata ? `Bearer realm="mcp", resource_metadata="${metadata}"` : 'Bearer realm="mcp"';
}

async function resolve(authenticator: Authenticator, ctx: HttpContext): Promise<AuthResult> {
  try {
    return await authenticator.authenticate(ctx.req);
  } catch (error) {
    ctx.logger.error('authenticator threw; refusing request', { error: String(error) });
    return { ok: false, status: 401, reason: 'authenticator error' };
  }
}

function report(ctx: HttpContext, config: AuthenticateConfig, event: AuthFailureEvent): void {
  try {
    config.onAuthFailure?.(event);
  } catch (error) {
    // A broken hook must not turn a refusal into a crash or an acceptance.
    ctx.logger.error('onAuthFailure hook threw', { error: String(error) });
  }
}

/**
 * Resolves the principal for this request. Refusals carry a generic message; the
 * authenticator's reason goes to the server log (and the failure hook) only. An
 * address that failed too often waits, refused with 429 before its credential is
 * even looked at.
 */
export function authenticate(authenticator: Authenticator, config: AuthenticateConfig = {}): Middleware {
  return async (ctx, next) => {
    const address = ctx.req.socket.remoteAddress ?? 'unknown';
    const wait = config.throttle?.retryAfterSeconds(address) ?? 0;
    if (wait > 0) {
      ctx.logger.debug('request refused: authentication back-off', { address, retryAfter: wait });
      sendRpcError(ctx.res, 429, -32000, 'Too Many Requests: too many failed authentications', {
        'retry-after': String(wait),
      });
      return;
    }
    const result = await resolve(authenticator, ctx);
    if (!result.ok) {
      ctx.logger.warn('request refused by authenticator', { status: result.status, reason: result.reason });
      if (result.status === 503) {
        sendRpcError(ctx.res, 503, -32000, 'Service Unavailable: cannot verify credentials now', {
          'retry-after': '5',
        });
        return;
      }
      const counted = config.throttle?.recordFailure(address) ?? { failures: 1, retryAfterSeconds: 0 };
      report(ctx, config, {
        at: new Date(),
        remoteAddress: address,
        method: ctx.req.method ?? 'UNKNOWN',
        path: ctx.pathname.slice(0, 256),
        status: result.status,
        reason: result.reason.slice(0, 512),
        failures: counted.failures,
        retryAfterSeconds: counted.retryAfterSeconds,
        credentialPresented: ctx.req.headers.authorization !== undefined,
      });
      if (result.status === 401) {
        sendRpcError(ctx.res, 401, -32001, 'Unauthorized', { 'www-authenticate': challenge(ctx, config) });
      } else {
        sendRpcError(ctx.res, 403, -32001, 'Forbidden');
      }
      return;
    }
    // Whatever a custom authenticator claims, a principal resolved here came over HTTP.
    const claimed = result.principal;
    ctx.principal = makePrincipal(claimed.transport === 'http' ? claimed : { ...claimed, transport: 'http' });
    await next();
  };
}
