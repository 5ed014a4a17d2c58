import { singleHeader } from '../auth/credentials.js';
import { sendRpcError } from './respond.js';
import type { Middleware } from './pipeline.js';

/**
 * DNS-rebinding defence: a browser tricked into calling us under an attacker's name
 * sends that name in Host. Only the names we serve under are accepted; a missing or
 * repeated Host is refused too.
 */
export function hostAllowList(allowed: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    const host = singleHeader(ctx.req, 'host');
    if (host.kind !== 'value' || !allowed.has(host.value.toLowerCase())) {
      ctx.logger.warn('request refused: Host not allowed', {
        host: host.kind === 'value' ? host.value : host.kind,
      });
      sendRpcError(ctx.res, 403, -32000, 'Forbidden: Host not allowed');
      return;
    }
    await next();
  };
}
