#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './commands/index.js';
import { packageVersion, usageErrorText } from 'mcp-host';
import { SettingError } from './settings.js';
import { describeError, EXIT_ERROR, EXIT_OK, EXIT_USAGE, processIo, UsageError, type CliIo } from './io.js';

const HELP = `usage: closegate-engine <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`).join('\n')}

Every command takes --help; commands that print data take --json.
'closegate-engine help <command>' shows a command's help; --version prints the version.
Database: --db PATH, else $CLOSEGATE_DB, else ./.closegate/recon.db (relative to the working directory).
Policy: --policy FILE, else $CLOSEGATE_POLICY, else closegate-policy's examples/policy.yaml.
Exit: 0 ok, 1 error, 2 usage, 3 verification failed, 4 denied by policy, 5 check not passed
(see docs/cli-conventions.md).`;

/** Runs the CLI; returns the exit code (never calls process.exit itself). */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out(HELP);
    return EXIT_OK;
  }
  if (name === '--version' || name === '-V') {
    io.out(`closegate-engine ${packageVersion(import.meta.url, 'closegate-engine') ?? 'unknown'}`);
    return EXIT_OK;
  }
  if (name === 'help') return helpCommand(rest, io);
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`error: unknown command: ${name}\nrun 'closegate-engine help' for the list of commands`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      // The hint names the command's help when the error's help names no subcommand.
      const hint = { program: 'closegate-engine', fallback: `closegate-engine ${command.name}` };
      io.err(usageErrorText(err, 'error', hint));
      return EXIT_USAGE;
    }
    io.err(describeError(err));
    // A flag or environment variable whose value cannot be used is a usage error too.
    return err instanceof SettingError ? EXIT_USAGE : EXIT_ERROR;
  }
}

/** `help` lists the commands; `help CMD [SUB]` prints that command's help (as `CMD [SUB] --help`). */
async function helpCommand(rest: string[], io: CliIo): Promise<number> {
  if (rest.length === 0) return (io.out(HELP), EXIT_OK);
  const command = COMMANDS.find((c) => c.name === rest[0]);
  if (command === undefined) {
    io.err(`error: unknown command: ${rest[0]}\nrun 'closegate-engine help' for the list of commands`);
    return EXIT_USAGE;
  }
  if (rest.length === 1) return (io.out(command.help), EXIT_OK);
  return main([...rest, '--help'], io);
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
      process.exitCode = EXIT_ERROR;
    },
  );
}

if (isEntryPoint()) runAsCommand();
