#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageVersion, usageErrorText } from 'mcp-host';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './io.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';

export const MAIN_HELP = `usage: closegate-agent <command> [options]

commands:
  run     run the recon-operator agent once and print its report (see: run --help)
  serve   serve /api/* for the desk and operators (see: serve --help)

Every command takes --help; 'closegate-agent help <command>' is the same. --version prints the version.
Exit: 0 ok, 1 error, 2 usage, 5 run stopped by a budget (see docs/cli-conventions.md).`;

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
        io.out(MAIN_HELP);
        return EXIT_OK;
      case '--version':
      case '-V':
        io.out(`closegate-agent ${packageVersion(import.meta.url, 'closegate-agent') ?? 'unknown'}`);
        return EXIT_OK;
      case 'help':
        if (rest.length === 0) return (io.out(MAIN_HELP), EXIT_OK);
        if (rest[0] !== 'run' && rest[0] !== 'serve')
          throw new UsageError(`unknown command: ${rest[0]}`, MAIN_HELP);
        return await main([rest[0], '--help'], io);
      case 'run':
        return await runCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      default:
        throw new UsageError(`unknown command: ${command}`, MAIN_HELP);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(usageErrorText(err, 'closegate-agent', { program: 'closegate-agent' }));
      return EXIT_USAGE;
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

/** Runs `main` as the process's command: exit code, EPIPE and a last-resort error line. */
export function runAsCommand(argv: string[] = process.argv.slice(2)): void {
  // A closed pipe (`... | head`) is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(argv).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`closegate-agent: ${(err as Error).message}\n`);
      process.exitCode = EXIT_FAILED;
    },
  );
}

if (isEntryPoint()) runAsCommand();
