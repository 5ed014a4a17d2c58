/**
 * Usage errors (docs/cli-conventions.md): a short message for a bad option, then one line
 * of hint naming the (sub)command's --help, never the whole help.
 */

/** A bad command line (exit 2). `help` is the usage text of the (sub)command, for the hint's words. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * node:util parseArgs errors, rewritten short: `unknown option --bogus`, `--db needs a value`,
 * `--json takes no value`, `unexpected argument: x`. Any other error keeps its message.
 */
export function argsErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null | undefined)?.code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'([^']+)'/.exec(message)?.[1];
    if (name !== undefined) return `unknown option ${name}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = /'(-[^' ]+)/.exec(message)?.[1];
    if (name !== undefined && /argument missing/.test(message)) return `${name} needs a value`;
    if (name !== undefined && /does not take an argument/.test(message)) return `${name} takes no value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']+)'/.exec(message)?.[1];
    if (arg !== undefined) return `unexpected argument: ${arg}`;
  }
  return message;
}

/** Whose --help a usage hint names. */
export interface UsageHintOptions {
  /** The command as typed: `closegate-engine`. */
  program: string;
  /** The words to name when the help's usage line names no subcommand (default: `program`). */
  fallback?: string;
  /** At most this many command words after `program` (default: every word of the usage line). */
  maxWords?: number;
}

/**
 * `run 'closegate-engine audit snapshot --help'`: the command words are read from the first
 * line of the help (`usage: PROGRAM WORD...`, up to the first non-word such as `<cmd>` or `--x`),
 * so the hint names the subcommand when the help is a subcommand's.
 */
export function usageHint(help: string | undefined, options: UsageHintOptions): string {
  const { program, fallback = program, maxWords = Infinity } = options;
  const line = help === undefined ? null : /^[Uu]sage:\s+(\S+)((?: [a-z][a-z0-9-]*)*)/.exec(help);
  const words = line?.[1] === program ? line[2]!.split(' ').filter(Boolean).slice(0, maxWords) : [];
  return `run '${words.length === 0 ? fallback : `${program} ${words.join(' ')}`} --help'`;
}

/** The two stderr lines of a usage error: `PREFIX: message`, then the hint. */
export function usageErrorText(err: UsageError, prefix: string, hint: UsageHintOptions): string {
  return `${prefix}: ${err.message}\n${usageHint(err.help, hint)}`;
}
