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

// Exit codes and usage errors are the kernel's, the same for every command of every product
// (the table is docs/cli-conventions.md).
export {
  EXIT_OK,
  EXIT_ERROR,
  EXIT_USAGE,
  EXIT_VERIFY_FAILED,
  EXIT_DENIED,
  EXIT_NOT_PASSED,
  UsageError,
} from 'mcp-host';

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
