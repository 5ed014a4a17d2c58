import { sendJson } from './respond.js';
import type { Middleware } from './pipeline.js';

/** Unauthenticated liveness probe. Reveals nothing but that the process answers. */
export function healthz(): Middleware {
  return async (ctx, next) => {
    if (ctx.pathname === '/healthz' && (ctx.req.method === 'GET' || ctx.req.method === 'HEAD')) {
      sendJson(ctx.res, 200, { status: 'ok' });
      return;
    }
    await next();
  };
}
