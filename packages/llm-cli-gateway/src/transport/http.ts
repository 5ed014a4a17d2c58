import { serveHttp, type HttpHost, type Logger } from 'mcp-host';
import { httpHostOptions } from '../config/http-options.js';
import type { Gateway } from '../gateway.js';
import { recordAuthFailure } from '../recorder/auth-failure.js';
import { createGatewayServer } from '../server.js';

/**
 * Serves the gateway over Streamable HTTP through mcp-host: the one exposure
 * layer (loopback default, refusal of a public bind without a token, bearer
 * principals, Host/Origin allow-lists, body limit, session cap + idle reaper,
 * /healthz). Each session gets its own McpServer; every tool handler reads its
 * caller from the principal the transport bound, which then owns the jobs,
 * sessions and flight-recorder rows it creates.
 */
export function serveGatewayHttp(gateway: Gateway, logger?: Logger): Promise<HttpHost> {
  const recorder = gateway.recorder;
  return serveHttp(() => createGatewayServer(gateway), {
    ...httpHostOptions(gateway.config),
    logger,
    // A refused authentication becomes a flight-recorder row (never with the credential).
    ...(recorder ? { onAuthFailure: (event) => recordAuthFailure(recorder, event) } : {}),
  });
}
