import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The CLI conventions shared with closegate-engine and llm-cli-gateway
 * (docs/cli-conventions.md): short messages for bad options, a one-line hint after
 * a usage error instead of the whole help, and --version.
 */

/** node:util parseArgs errors, rewritten short: `unknown option --bogus`, `--db needs a value`. */
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

/** `run 'closegate-agent run --help'`, read from the first line of the help the usage error carries. */
export function usageHint(help: string | undefined): string {
  const words = help === undefined ? null : /^usage: (closegate-agent(?: [a-z][a-z0-9-]*)*)/.exec(help);
  return `run '${words?.[1] ?? 'closegate-agent'} --help'`;
}

/** This package's version, from its package.json (found from src/ and dist/ alike). */
export function agentVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'closegate-agent' && typeof pkg.version === 'string') return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}
