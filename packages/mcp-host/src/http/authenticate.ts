import type { Authenticator } from '../auth/types.js';
import { makePrincipal } from '../principal.js';
import { sendRpcError } from './respond.js';
import type { Middleware } from './pipeline.js';

/**
 * Resolves the principal for this request. Refusals carry a generic message; the
 * authenticator's reason goes to the server log only.
 */
export function authenticate(authenticator: Authenticator): Middleware {
  return async (ctx, next) => {
    let result;
    try {
      result = authenticator.authenticate(ctx.req);
    } catch (error) {
      ctx.logger.error('authenticator threw; refusing request', { error: String(error) });
      result = { ok: false as const, status: 401 as const, reason: 'authenticator error' };
    }
    if (!result.ok) {
      ctx.logger.warn('request refused by authenticator', { status: result.status, reason: result.reason });
      if (result.status === 401) {
        sendRpcError(ctx.res, 401, -32001, 'Unauthorized', { 'www-authenticate': 'Bearer realm="mcp"' });
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
