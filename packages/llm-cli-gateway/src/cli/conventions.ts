import { usageErrorText as kernelUsageErrorText, type UsageError } from 'mcp-host';
import type { ConfigError } from '../config/errors.js';

/**
 * This CLI's part of the conventions shared with closegate-engine and closegate-agent
 * (docs/cli-conventions.md; the shared code is mcp-host's): the usage-error lines under
 * this command's name, and errors that name the setting the user wrote
 * (`--transport htp`, `LLM_GATEWAY_HTTP_PORT=99999`).
 */

/** The two lines of a usage error on stderr; the hint names at most the command (`logs`), not its subcommand. */
export function usageErrorText(err: UsageError): string {
  return kernelUsageErrorText(err, 'llm-cli-gateway', { program: 'llm-cli-gateway', maxWords: 1 });
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
