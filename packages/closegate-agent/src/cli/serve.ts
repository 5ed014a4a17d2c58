import type { CliIo } from './io.js';
import { EXIT_FAILED } from './io.js';

interface ServiceModule {
  runServeCommand?: (argv: string[], io: CliIo) => Promise<number>;
}

/**
 * `closegate-agent serve` is the HTTP service's command (src/server: its own
 * options and help). Loaded lazily so `run` does not load the service's
 * dependencies; a build without the service says so and exits 1.
 */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const spec = '../server/index.js';
  const mod = (await import(spec).catch(() => ({}))) as ServiceModule;
  if (typeof mod.runServeCommand === 'function') return mod.runServeCommand(argv, io);
  io.err('closegate-agent serve: the HTTP service is not available in this build');
  return EXIT_FAILED;
}
