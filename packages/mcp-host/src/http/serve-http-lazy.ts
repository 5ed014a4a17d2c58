import type { ServerFactory } from './mcp-endpoint.js';
import type { HttpHostOptions } from './options.js';
import type { HttpHost } from './serve-http.js';

export type { HttpHost };

/**
 * serveHttp as the package exports it: the HTTP host (its middleware, the SDK's
 * Streamable HTTP transport and the Hono adapter under it) is loaded when a
 * host is started, so importing the package for a stdio server does not load it.
 * serveHttp is async, so its callers see no difference.
 */
export async function serveHttp(factory: ServerFactory, options?: HttpHostOptions): Promise<HttpHost> {
  const http = await import('./serve-http.js');
  return http.serveHttp(factory, options);
}
