import { UsageError as KernelUsageError } from 'mcp-host';

// Exit codes are the kernel's, the same for every command of every product (the table is
// docs/cli-conventions.md), under the names this CLI's commands use:
// EXIT_FAILED: the run failed, or something it needs (engine, backend) did not answer;
// EXIT_BUDGET: the run ended without passing, stopped by one of its budgets.
export { EXIT_OK, EXIT_USAGE, EXIT_ERROR as EXIT_FAILED, EXIT_NOT_PASSED as EXIT_BUDGET } from 'mcp-host';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** The kernel's usage error with a stable code (`USAGE`) and the (sub)command's help always given. */
export class UsageError extends KernelUsageError {
  readonly code = 'USAGE';
  constructor(message: string, help: string) {
    super(message, help);
  }
}

export const processIo = (): CliIo => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
});
