import type { CliIo } from './io.js';

/**
 * `closegate-agent serve` is the HTTP service's command (src/server, its own
 * options and help). Loaded lazily so `run` does not load the service's
 * dependencies (OIDC client, static assets).
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { runServeCommand } = await import('../server/index.js');
  return runServeCommand(argv, io);
}
