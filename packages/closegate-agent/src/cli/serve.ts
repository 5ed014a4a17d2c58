import type { CliIo } from './io.js';
import { EXIT_FAILED } from './io.js';

export const SERVE_HELP = `usage: closegate-agent serve [options]

Serves the agent service: /api/* for the desk and authenticated operators (see the
service section of the README for options). Options are those of the service's startServer.`;

interface ServerModule {
  runServeCommand?: (argv: string[], io: CliIo) => Promise<number>;
  startServer?: (...args: unknown[]) => Promise<unknown>;
}

/**
 * `serve` belongs to the HTTP service (src/server). It is loaded lazily so the
 * `run` command works without it; when the service is not part of this build,
 * serve says so and exits 1.
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  let mod: ServerModule;
  try {
    const spec = '../server/index.js';
    mod = (await import(spec)) as ServerModule;
  } catch {
    mod = {};
  }
  if (typeof mod.runServeCommand === 'function') return mod.runServeCommand(argv, io);
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SERVE_HELP);
    return 0;
  }
  io.err(
    'closegate-agent serve: the HTTP service is not available in this build (src/server/index.ts has no runServeCommand)',
  );
  return EXIT_FAILED;
}
