import type { IncomingMessage } from 'node:http';
import { singleHeader as oneHeader, type AllowLists } from 'mcp-host';
import { ApiHttpError } from '../api/errors.js';

export { oneHeader, type AllowLists };

/** DNS-rebinding defence: a Host we do not serve under is refused before anything else. */
export function checkHost(req: IncomingMessage, lists: AllowLists): ApiHttpError | null {
  const host = oneHeader(req, 'host');
  if (host.kind !== 'value' || !lists.hosts.has(host.value.toLowerCase()))
    return new ApiHttpError('FORBIDDEN', 'Host not allowed');
  return null;
}

/**
 * Cross-site defence. Any request with a foreign Origin is refused; a state-changing
 * request must carry our Origin (browsers always send it on POST).
 */
export function checkOrigin(
  req: IncomingMessage,
  lists: AllowLists,
  stateChanging: boolean,
): ApiHttpError | null {
  const origin = oneHeader(req, 'origin');
  if (origin.kind === 'absent')
    return stateChanging
      ? new ApiHttpError('CSRF_REJECTED', 'a state-changing request needs a same-origin Origin header')
      : null;
  if (origin.kind === 'duplicate' || !lists.origins.has(origin.value.toLowerCase()))
    return new ApiHttpError('CSRF_REJECTED', 'cross-site request refused (Origin not allowed)');
  // A browser that says the request came from another site is believed.
  const site = oneHeader(req, 'sec-fetch-site');
  if (site.kind === 'value' && site.value !== 'same-origin' && site.value !== 'none')
    return new ApiHttpError('CSRF_REJECTED', `cross-site request refused (Sec-Fetch-Site: ${site.value})`);
  return null;
}

const TOO_LARGE = Symbol('too large');

/** Reads a body up to `limit` bytes (Content-Length checked first, then while streaming). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit)
    throw new ApiHttpError('PAYLOAD_TOO_LARGE', `body exceeds ${limit} bytes`);
  const result = await new Promise<Buffer | typeof TOO_LARGE>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
  if (result === TOO_LARGE) throw new ApiHttpError('PAYLOAD_TOO_LARGE', `body exceeds ${limit} bytes`);
  return result;
}
