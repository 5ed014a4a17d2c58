import type { IncomingMessage } from 'node:http';
import { sendRpcError } from './respond.js';
import type { HttpContext, Middleware } from './pipeline.js';

const TOO_LARGE = Symbol('body too large');

/** Reads the body, giving up as soon as more than `limit` bytes have arrived. */
function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function refuse(ctx: HttpContext, limit: number): void {
  ctx.logger.warn('request refused: body too large', { limit });
  // The rest of the body is not read; closing the connection is the only safe way out.
  sendRpcError(ctx.res, 413, -32000, `Payload Too Large: body exceeds ${limit} bytes`, {
    connection: 'close',
  });
  ctx.res.once('finish', () => ctx.req.destroy());
}

/**
 * Enforces the body limit twice: up front from Content-Length, and while streaming
 * (chunked bodies or a lying Content-Length). Stores the body on the context.
 */
export function bodyLimit(limit: number): Middleware {
  return async (ctx, next) => {
    const declared = ctx.req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) return refuse(ctx, limit);
    if (ctx.req.method !== 'POST') return next();
    const body = await readLimited(ctx.req, limit);
    if (body === TOO_LARGE) return refuse(ctx, limit);
    ctx.body = body;
    await next();
  };
}
