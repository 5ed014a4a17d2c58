import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The gateway's data directory: `$LLM_GATEWAY_HOME` or `~/.llm-cli-gateway`. */
export function gatewayHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.LLM_GATEWAY_HOME;
  if (override !== undefined && override !== '') return resolve(override);
  return join(homedir(), '.llm-cli-gateway');
}

/**
 * Where the flight recorder lives, or `null` when disabled with
 * `LLM_GATEWAY_LOGS_DB=none`. Any other value is a path to the database file.
 */
export function logsDbPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const value = env.LLM_GATEWAY_LOGS_DB;
  if (value === undefined || value === '') return join(gatewayHome(env), 'logs.db');
  if (value.toLowerCase() === 'none') return null;
  return isAbsolute(value) ? value : resolve(value);
}

/** Creates `dir` (and parents) as 0700, and tightens it to 0700 if it already exists. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = statSync(dir).mode & 0o777;
  if (mode !== 0o700) chmodSync(dir, 0o700);
}
