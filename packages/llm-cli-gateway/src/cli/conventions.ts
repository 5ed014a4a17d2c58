import type { ConfigError } from '../config/errors.js';

/**
 * The CLI conventions shared with closegate-engine and closegate-agent
 * (docs/cli-conventions.md): exit codes, short messages for bad options, a one-line
 * hint after a usage error instead of the whole help, and errors that name the
 * setting the user wrote (`--transport htp`, `LLM_GATEWAY_HTTP_PORT=99999`).
 */

export const EXIT_OK = 0;
/** The command could not do its job (doctor found a problem, a file could not be read). */
export const EXIT_ERROR = 1;
/** The command line or a setting is wrong: unknown command or option, missing or bad value. */
export const EXIT_USAGE = 2;
/** A verification ran and found the flight recorder broken (`logs verify`). */
export const EXIT_VERIFY_FAILED = 3;

/** A bad command line. `help` is the usage text of the (sub)command, for the hint's words. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs errors, rewritten short: `unknown option --bogus`, `--transport needs a value`. */
export function argsErrorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown }).code;
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

/** `run 'llm-cli-gateway logs --help'`: the command words come from the help's first line. */
export function usageHint(help: string | undefined): string {
  const words = help === undefined ? null : /^[Uu]sage:\s+(llm-cli-gateway(?: [a-z][a-z0-9-]*)?)/.exec(help);
  return `run '${words?.[1] ?? 'llm-cli-gateway'} --help'`;
}

/** The two lines of a usage error on stderr. */
export function usageErrorText(err: UsageError): string {
  return `llm-cli-gateway: ${err.message}\n${usageHint(err.help)}`;
}

// Values of these variables are credentials: an error names the variable, never the value.
const SECRET_SETTING = /TOKEN|SECRET|KEY|PASSWORD|DATABASE_URL/;

/**
 * A configuration error named as the user wrote the setting: `LLM_GATEWAY_HTTP_PORT=99999:
 * is not a port number`, a config file key as `file: key: detail`. Secret values are not shown.
 */
export function describeConfigError(err: ConfigError, env: NodeJS.ProcessEnv): string {
  if (!err.keyPath.startsWith('env:')) return err.message;
  const name = err.keyPath.slice('env:'.length);
  const value = env[name];
  const setting = value === undefined || SECRET_SETTING.test(name) ? name : `${name}=${value}`;
  return `${setting}: ${err.detail}`;
}
