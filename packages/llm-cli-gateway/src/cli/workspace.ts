import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { argsErrorMessage, EXIT_OK, EXIT_USAGE, UsageError } from 'mcp-host';
import { describeConfigError, usageErrorText } from './conventions.js';
import { configPath, loadConfig } from '../config/file.js';
import { addWorkspace, removeWorkspace } from '../workspaces/config-edit.js';
import type { Workspace } from '../workspaces/registry.js';

export const HELP_WORKSPACE = `Usage: llm-cli-gateway workspace list [--json]
       llm-cli-gateway workspace add <alias> <path> [--providers a,b] [--max-permission P] [--default] [--json]
       llm-cli-gateway workspace remove <alias> [--json]

Workspaces are the directories agents may run in. Every request arriving over
HTTP runs in one (its \`workspace\` argument, its session's, or the default),
with working directories relative to it. --max-permission is read-only | edits
(the default) | full; only full admits bypass modes (claude
bypassPermissions, codex danger-full-access, gemini yolo, vibe auto-approve, grok).
The config file (LLM_GATEWAY_CONFIG or <data dir>/config.toml) is rewritten
atomically (0600); comments in it are not preserved.`;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

function view(ws: Workspace, defaultAlias: string | undefined) {
  return {
    alias: ws.alias,
    path: ws.path,
    exists: ws.exists,
    providers: ws.providers ?? 'all',
    maxPermission: ws.maxPermission,
    default: ws.alias === defaultAlias,
  };
}

function list(json: boolean, io: Io, env: NodeJS.ProcessEnv): number {
  const config = loadConfig(env);
  const reg = config.workspaces;
  const rows = Object.values(reg.entries).map((ws) => view(ws, reg.defaultAlias));
  if (json) {
    io.out(
      JSON.stringify(
        { config: config.file.path, default: reg.defaultAlias ?? null, workspaces: rows },
        null,
        2,
      ),
    );
    return EXIT_OK;
  }
  if (rows.length === 0) io.out(`no workspaces registered in ${config.file.path}`);
  for (const r of rows) {
    const providers = Array.isArray(r.providers) ? r.providers.join(',') : r.providers;
    io.out(
      `${r.default ? '*' : ' '} ${r.alias}  ${r.path}${r.exists ? '' : ' (MISSING)'}  providers=${providers}  max_permission=${r.maxPermission}`,
    );
  }
  return EXIT_OK;
}

/** `workspace list | add | remove`; returns the exit code. */
export function workspaceCommand(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        providers: { type: 'string' },
        'max-permission': { type: 'string' },
        default: { type: 'boolean' },
      },
    });
  } catch (err) {
    io.err(usageErrorText(new UsageError(argsErrorMessage(err), HELP_WORKSPACE)));
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  const [sub, ...args] = positionals;
  if (values.help || sub === undefined) {
    io.out(HELP_WORKSPACE);
    return EXIT_OK;
  }
  const json = values.json === true;
  const file = configPath(env).path;
  try {
    if (sub === 'list' && args.length === 0) return list(json, io, env);
    if (sub === 'add' && args.length === 2) {
      const added = addWorkspace(file, {
        alias: args[0]!,
        path: args[1]!,
        providers: values.providers?.split(',').map((p) => p.trim()),
        maxPermission: values['max-permission'],
        makeDefault: values.default,
      });
      io.out(
        json ? JSON.stringify({ added, config: file }) : `added workspace ${added.alias}: ${added.path}`,
      );
      return EXIT_OK;
    }
    if (sub === 'remove' && args.length === 1) {
      removeWorkspace(file, args[0]!);
      io.out(json ? JSON.stringify({ removed: args[0], config: file }) : `removed workspace ${args[0]}`);
      return EXIT_OK;
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`llm-cli-gateway: ${describeConfigError(err, env)}`);
      return EXIT_USAGE;
    }
    throw err;
  }
  io.err(usageErrorText(new UsageError(`bad workspace command: ${positionals.join(' ')}`, HELP_WORKSPACE)));
  return EXIT_USAGE;
}
