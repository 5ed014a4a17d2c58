import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseToml, stringify as stringifyToml, TomlError } from 'smol-toml';
import { ConfigError } from '../config/errors.js';
import { parseConfigText } from '../config/file.js';
import { ensurePrivateDir } from '../config/paths.js';
import { WORKSPACE_ALIAS, WORKSPACE_PERMISSIONS, type WorkspacePermission } from '../config/schema.js';
import { PROVIDER_IDS, type ProviderId } from '../providers/contract.js';
import { writeFileAtomic } from '../sessions/atomic-file.js';
import { canonicalDir } from './registry.js';

export interface WorkspaceAddInput {
  readonly alias: string;
  readonly path: string;
  readonly providers?: readonly string[];
  readonly maxPermission?: string;
  readonly makeDefault?: boolean;
}

type RawConfig = Record<string, unknown> & { workspaces?: Record<string, unknown> };

function readRaw(file: string): RawConfig {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  parseConfigText(text, file); // refuse to edit a file that is already invalid
  try {
    return parseToml(text) as RawConfig;
  } catch (err) {
    if (err instanceof TomlError) throw new ConfigError('(syntax)', err.message.split('\n')[0]!, file);
    throw err;
  }
}

/**
 * Writes the edited document: validated first (strict schema), then replaced
 * atomically (0600 temp file, fsync, rename). Re-serialised with smol-toml, so
 * comments and key order are not preserved.
 */
function writeRaw(file: string, raw: RawConfig): void {
  const text = stringifyToml(raw) + '\n';
  parseConfigText(text, file);
  ensurePrivateDir(dirname(file));
  writeFileAtomic(file, text);
}

function checkAlias(alias: string): void {
  if (!WORKSPACE_ALIAS.test(alias) || alias === 'default') {
    throw new ConfigError(`workspaces.${alias}`, 'aliases are 1-64 of A-Z a-z 0-9 _ - (and not "default")');
  }
}

function checkProviders(list: readonly string[]): ProviderId[] {
  for (const p of list) {
    if (!(PROVIDER_IDS as readonly string[]).includes(p))
      throw new ConfigError('--providers', `unknown provider "${p}" (one of ${PROVIDER_IDS.join(', ')})`);
  }
  return [...new Set(list)] as ProviderId[];
}

function checkPermission(value: string): WorkspacePermission {
  if (!(WORKSPACE_PERMISSIONS as readonly string[]).includes(value))
    throw new ConfigError('--max-permission', `must be one of ${WORKSPACE_PERMISSIONS.join(', ')}`);
  return value as WorkspacePermission;
}

/** Registers a workspace: the path must be an existing directory and is stored canonical. */
export function addWorkspace(file: string, input: WorkspaceAddInput): { alias: string; path: string } {
  checkAlias(input.alias);
  const { path, exists } = canonicalDir(resolve(input.path));
  if (!exists)
    throw new ConfigError(`workspaces.${input.alias}.path`, `${input.path} is not an existing directory`);
  const raw = readRaw(file);
  const table = { ...(raw.workspaces ?? {}) };
  if (table[input.alias] !== undefined)
    throw new ConfigError(`workspaces.${input.alias}`, 'already registered (remove it first)');
  const entry: Record<string, unknown> = { path };
  if (input.providers !== undefined) entry.providers = checkProviders(input.providers);
  if (input.maxPermission !== undefined) entry.max_permission = checkPermission(input.maxPermission);
  table[input.alias] = entry;
  if (input.makeDefault === true) table.default = input.alias;
  writeRaw(file, { ...raw, workspaces: table });
  return { alias: input.alias, path };
}

/** Unregisters a workspace (and clears `default` when it named it). */
export function removeWorkspace(file: string, alias: string): void {
  checkAlias(alias);
  const raw = readRaw(file);
  const table = { ...(raw.workspaces ?? {}) };
  if (table[alias] === undefined) throw new ConfigError(`workspaces.${alias}`, 'is not registered');
  delete table[alias];
  if (table.default === alias) delete table.default;
  writeRaw(file, { ...raw, workspaces: table });
}
