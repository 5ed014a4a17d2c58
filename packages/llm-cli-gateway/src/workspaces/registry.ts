import { realpathSync, statSync } from 'node:fs';
import type { WorkspacePermission } from '../config/schema.js';
import type { ConfigFile } from '../config/schema.js';
import type { PermissionLevel, ProviderId } from '../providers/contract.js';

/** A registered workspace as the gateway uses it. */
export interface Workspace {
  readonly alias: string;
  /** As written in config.toml. */
  readonly configuredPath: string;
  /** Canonical path (symlinks resolved) when it exists; else the configured path. */
  readonly path: string;
  /** False when the path was missing (or not a directory) when the config was loaded. */
  readonly exists: boolean;
  /** Providers allowed here; undefined = all. */
  readonly providers?: readonly ProviderId[];
  /** Ceiling for requests run in this workspace. Default `edits` (never a bypass mode). */
  readonly maxPermission: WorkspacePermission;
  /** HTTP principal name this workspace is private to (enables "continue latest" forms for it). */
  readonly owner?: string;
}

export interface WorkspaceRegistry {
  readonly defaultAlias?: string;
  readonly entries: Readonly<Record<string, Workspace>>;
}

export const DEFAULT_MAX_PERMISSION: WorkspacePermission = 'edits';

/**
 * Which provider permission levels each ceiling admits. `read-only` admits only
 * requests that cannot write (claude plan, codex read-only sandbox, gemini
 * plan, vibe plan); `edits` adds the CLIs' own default and edit modes; only
 * `full` admits bypass modes (and grok, whose headless mode approves everything).
 */
export const CEILING_ADMITS: Readonly<Record<WorkspacePermission, readonly PermissionLevel[]>> = {
  'read-only': ['read-only'],
  edits: ['read-only', 'default', 'edits'],
  full: ['read-only', 'default', 'edits', 'full'],
};

/** Resolves a configured path: canonical when it is an existing directory. */
export function canonicalDir(path: string): { path: string; exists: boolean } {
  try {
    const real = realpathSync(path);
    return { path: real, exists: statSync(real).isDirectory() };
  } catch {
    return { path, exists: false };
  }
}

export function workspaceRegistry(file: ConfigFile['workspaces']): WorkspaceRegistry {
  const entries: Record<string, Workspace> = {};
  for (const [alias, value] of Object.entries(file)) {
    if (alias === 'default' || typeof value !== 'object' || value === null) continue;
    const { path, exists } = canonicalDir(value.path);
    entries[alias] = {
      alias,
      configuredPath: value.path,
      path,
      exists,
      providers: value.providers,
      maxPermission: value.max_permission ?? DEFAULT_MAX_PERMISSION,
      owner: value.owner,
    };
  }
  return { defaultAlias: typeof file.default === 'string' ? file.default : undefined, entries };
}
