/**
 * Exit codes, the same for every closegate and llm-cli-gateway command (the table is
 * docs/cli-conventions.md; keep both in step).
 */
export const EXIT_OK = 0;
/** The run failed, or something it needs (engine, backend) did not answer. */
export const EXIT_FAILED = 1;
/** The command line or a setting is wrong. */
export const EXIT_USAGE = 2;
/** The run ended without passing: stopped by one of its budgets. */
export const EXIT_BUDGET = 5;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export class UsageError extends Error {
  readonly code = 'USAGE';
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const processIo = (): CliIo => ({
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
});
