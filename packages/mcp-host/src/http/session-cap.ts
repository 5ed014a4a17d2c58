import { singleHeader } from '../auth/credentials.js';
import { sendRpcError } from './respond.js';
import type { Middleware } from './pipeline.js';
import type { SessionRegistry } from './session-registry.js';

/**
 * Caps concurrent sessions, per principal first and globally as a backstop. Only a request that would open a session (POST to the MCP
 * path without Mcp-Session-Id) takes a slot; it is reserved here so concurrent
 * initializations cannot overshoot the cap.
 */
export function sessionCap(registry: SessionRegistry, path: string, retryAfterSeconds: number): Middleware {
  return async (ctx, next) => {
    const opensSession =
      ctx.pathname === path &&
      ctx.req.method === 'POST' &&
      singleHeader(ctx.req, 'mcp-session-id').kind === 'absent';
    if (!opensSession) return next();
    const slot = registry.reserve(ctx.principal?.id);
    if (typeof slot === 'string') {
      ctx.logger.warn('request refused: session cap reached', {
        cap: slot,
        sessions: registry.size,
        principal: ctx.principal?.id,
      });
      const which =
        slot === 'principal' ? 'session limit for this principal reached' : 'session limit reached';
      sendRpcError(ctx.res, 429, -32000, `Too Many Requests: ${which}`, {
        'retry-after': String(retryAfterSeconds),
      });
      return;
    }
    ctx.slot = slot;
    await next();
  };
}
