#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { describeError, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './io.js';

const HELP = `usage: closegate-engine <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Every command takes --help; commands that print data take --json.
Database: --db PATH, else $CLOSEGATE_DB, else ./.closegate/recon.db (relative to the working directory).
Policy: --policy FILE, else $CLOSEGATE_POLICY, else closegate-policy's examples/policy.yaml.`;

/** Runs the CLI; returns the exit code (never calls process.exit itself). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`unknown command: ${name}\n\n${HELP}`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}${err.help ? `\n\n${err.help}` : ''}`);
      return EXIT_USAGE;
    }
    io.err(describeError(err));
    return EXIT_USAGE;
  }
}

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
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${describeError(err)}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

if (isEntryPoint()) runAsCommand();
