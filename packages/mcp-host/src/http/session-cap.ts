import { singleHeader } from '../auth/credentials.js';
import { sendRpcError } from './respond.js';
import type { Middleware } from './pipeline.js';
import type { SessionRegistry } from './session-registry.js';

/**
 * Caps concurrent sessions. Only a request that would open a session (POST to the MCP
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
    const slot = registry.reserve();
    if (!slot) {
      ctx.logger.warn('request refused: session cap reached', { sessions: registry.size });
      sendRpcError(ctx.res, 429, -32000, 'Too Many Requests: session limit reached', {
        'retry-after': String(retryAfterSeconds),
      });
      return;
    }
    ctx.slot = slot;
    await next();
  };
}
