import { serveHttp, type HttpHost, type Logger } from 'mcp-host';
import { httpHostOptions } from '../config/http-options.js';
import { localTokenNotice, withLocalToken, type LocalToken } from '../config/local-token.js';
import type { Gateway } from '../gateway.js';
import { recordAuthFailure } from '../recorder/auth-failure.js';
import { recordRefusedCall } from '../recorder/refused-call.js';
import { createGatewayServer } from '../server.js';

/**
 * Serves the gateway over Streamable HTTP through mcp-host: the one exposure
 * layer (loopback default, refusal of a public bind without a token, bearer
 * principals, Host/Origin allow-lists, body limit, session cap + idle reaper,
 * /healthz). With no token configured and `[http] auth` not "none", a token
 * is generated on first start (0600 under the data dir) and printed once.
 * Each session gets its own McpServer; every tool handler reads its
 * caller from the principal the transport bound, which then owns the jobs,
 * sessions and flight-recorder rows it creates.
 */
export async function serveGatewayHttp(
  gateway: Gateway,
  logger?: Logger,
  announce: (notice: string) => void = (n) => process.stderr.write(`${n}\n`),
): Promise<HttpHost> {
  let generated: LocalToken | undefined;
  const config = withLocalToken(gateway.config, gateway.home, (t) => {
    generated = t;
  });
  const recorder = gateway.recorder;
  const host = await serveHttp(() => createGatewayServer(gateway), {
    ...httpHostOptions(config),
    logger,
    // A refused authentication becomes a flight-recorder row (never with the credential).
    // So does a tools/call refused with -32602 before any tool ran.
    ...(recorder
      ? {
          onAuthFailure: (event) => recordAuthFailure(recorder, event),
          onRefusedCall: (event) => recordRefusedCall(recorder, event),
        }
      : {}),
  });
  if (generated !== undefined) announce(localTokenNotice(generated, host.url));
  return host;
}
