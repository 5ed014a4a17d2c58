import type { OutgoingHttpHeader, OutgoingHttpHeaders, RequestListener, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Serves at most `limit` requests on one keep-alive connection, then closes it the
 * HTTP/1.1 way: the last answer carries `Connection: close` and the server ends the
 * connection once it is sent (RFC 9112 §9.6).
 *
 * Node's own `server.maxRequestsPerSocket` is not enough here: the SDK's transport
 * writes `Connection: keep-alive` itself on its event-stream answers, which overrides
 * Node's close, so the client reused the socket and Node answered its next call with a
 * bare 503 — a long-lived MCP session failed one call in every `limit`. Requests
 * pipelined past the limit are not answered: the connection closes under them, which
 * tells an HTTP client to retry them on a new one.
 */
export function limitRequestsPerSocket(limit: number, handler: RequestListener): RequestListener {
  const served = new WeakMap<Socket, number>();
  return (req, res) => {
    const count = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, count);
    if (count > limit) {
      req.resume();
      return;
    }
    if (count === limit) closeAfter(res);
    handler(req, res);
  };
}

/** This answer is the connection's last, whatever Connection header the application writes. */
function closeAfter(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    // set, not removed: a removed Connection header makes Node send none at all
    res.setHeader('connection', 'close');
    return writeHead(statusCode, ...rest.map(withoutConnection));
  }) as ServerResponse['writeHead'];
}

function withoutConnection(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null) return arg; // the status message
  if (Array.isArray(arg)) {
    const headers = arg as OutgoingHttpHeader[];
    // [[name, value], ...] or the flat [name, value, name, value, ...]
    if (headers.every(Array.isArray))
      return headers.filter((pair) => String((pair as string[])[0]).toLowerCase() !== 'connection');
    const kept: OutgoingHttpHeader[] = [];
    for (let i = 0; i < headers.length; i += 2)
      if (String(headers[i]).toLowerCase() !== 'connection') kept.push(headers[i]!, headers[i + 1]!);
    return kept;
  }
  return Object.fromEntries(
    Object.entries(arg as OutgoingHttpHeaders).filter(([name]) => name.toLowerCase() !== 'connection'),
  );
}
