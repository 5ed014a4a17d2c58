import type { ServerResponse } from 'node:http';

/** Answers with a JSON body unless a response is already under way. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Rejection in JSON-RPC error shape, so MCP clients surface it cleanly. */
export function sendRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null }, headers);
}

/** The answer for an unknown session — also given for a session owned by someone else. */
export function sendSessionNotFound(res: ServerResponse): void {
  sendRpcError(res, 404, -32001, 'Session not found');
}
