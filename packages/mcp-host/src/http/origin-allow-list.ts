import { singleHeader } from '../auth/credentials.js';
import { sendRpcError } from './respond.js';
import type { Middleware } from './pipeline.js';

/**
 * Browsers send Origin on cross-site requests; a page from any origin other than ours
 * is refused. Requests without Origin (non-browser clients) pass to authentication.
 */
export function originAllowList(allowed: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    const origin = singleHeader(ctx.req, 'origin');
    if (origin.kind === 'absent') return next();
    if (origin.kind === 'duplicate' || !allowed.has(origin.value.toLowerCase())) {
      ctx.logger.warn('request refused: Origin not allowed', {
        origin: origin.kind === 'value' ? origin.value : origin.kind,
      });
      sendRpcError(ctx.res, 403, -32000, 'Forbidden: Origin not allowed');
      return;
    }
    await next();
  };
}
