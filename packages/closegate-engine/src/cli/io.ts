import { EngineError } from '../errors.js';

/** Where a command writes and what it can see; injectable for tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress is shown only then. */
  stderrIsTty: boolean;
  cwd: string;
  /**
   * The OS account and host running the CLI (os.userInfo / os.hostname unless a test
   * injects them). Recorded next to every human decision made here.
   */
  osIdentity?: () => { osUser: string; host: string };
}

/**
 * Exit codes, the same for every closegate and llm-cli-gateway command (the table is
 * docs/cli-conventions.md; keep both in step).
 */
export const EXIT_OK = 0;
/** The command could not do its job: bad input data, an engine error, a failed run. */
export const EXIT_ERROR = 1;
/** The command line or a setting is wrong: unknown command or option, missing or bad value. */
export const EXIT_USAGE = 2;
/** A verification ran and found the audit evidence broken (chain, snapshot, bundle). */
export const EXIT_VERIFY_FAILED = 3;
/** The policy gate denied the action or held it for a human's approval. */
export const EXIT_DENIED = 4;
/** A check ran to the end and did not pass (eval below its bar, a failing SOC 2 control). */
export const EXIT_NOT_PASSED = 5;

/** A usage error: message plus the command's help (for the one-line hint). Exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
    env: process.env,
    stderrIsTty: process.stderr.isTTY === true,
    cwd: process.cwd(),
  };
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** One line for any error: stable code first when there is one. */
export function describeError(err: unknown): string {
  if (err instanceof EngineError) return `error ${err.code}: ${err.message}`;
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' ? `error ${code}: ${message}` : `error: ${message}`;
}
