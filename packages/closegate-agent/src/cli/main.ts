#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT_FAILED, EXIT_OK, processIo, UsageError, type CliIo } from './io.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';

export const MAIN_HELP = `usage: closegate-agent <command> [options]

commands:
  run     run the recon-operator agent once and print its report (see: run --help)
  serve   serve /api/* for the desk and operators (see: serve --help)

Every command takes --help.`;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.out(MAIN_HELP);
        return command === undefined ? EXIT_FAILED : EXIT_OK;
      case 'run':
        return await runCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`, MAIN_HELP);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`closegate-agent: ${err.message}\n\n${err.help}`);
      return EXIT_FAILED;
    }
    const code =
      typeof (err as { code?: unknown }).code === 'string' ? `${(err as { code: string }).code}: ` : '';
    io.err(`closegate-agent: ${code}${(err as Error).message}`);
    return EXIT_FAILED;
  }
}

/** Run as a script (also through an npm bin symlink), not when imported by tests. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // A closed pipe (`... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`closegate-agent: ${(err as Error).message}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}
