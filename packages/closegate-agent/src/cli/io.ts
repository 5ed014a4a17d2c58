export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BUDGET = 4;

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
