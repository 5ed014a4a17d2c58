import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { GatewayError } from '../errors.js';
import type { PermissionLevel, ProviderId } from '../providers/contract.js';
import { canonicalDir, CEILING_ADMITS, type Workspace, type WorkspaceRegistry } from './registry.js';

/** What a request is confined to once admitted: its workspace and canonical working directory. */
export interface Confinement {
  readonly workspace?: string;
  /** Canonical absolute directory, or undefined for the gateway's default (temp / session dir). */
  readonly workingDir?: string;
}

export interface ConfineInput {
  readonly transport: 'stdio' | 'http';
  readonly provider: ProviderId;
  /** The `workspace` tool argument. */
  readonly workspace?: string;
  readonly workingDir?: string;
  /** The session being continued: its recorded workspace (null = bound to none). */
  readonly session?: { readonly id: string; readonly workspace: string | null };
  readonly permissionLevel: PermissionLevel;
}

const FIX =
  'register one with `llm-cli-gateway workspace add <alias> <path>` and pass `workspace`, or set `[workspaces] default`';

/**
 * Decides where (and whether) a request may run, before any slot or spawn.
 * HTTP callers always run in a registered workspace, with paths relative to it;
 * stdio callers keep machine-local absolute paths and get a workspace only when
 * they name one, continue a bound session, or give a relative path.
 */
export function confine(registry: WorkspaceRegistry, input: ConfineInput): Confinement {
  const ws = pickWorkspace(registry, input);
  // stdio without a workspace: a machine-local absolute path, checked (NUL, existence) by prepareWorkDir.
  if (ws === undefined) return { workingDir: input.workingDir };
  checkProvider(ws, input.provider);
  checkCeiling(ws, input);
  return { workspace: ws.alias, workingDir: insideWorkspace(ws, input) };
}

function pickWorkspace(registry: WorkspaceRegistry, input: ConfineInput): Workspace | undefined {
  const bound = input.session?.workspace;
  if (input.workspace !== undefined && bound !== undefined && input.workspace !== bound) {
    throw mismatch(input.session!.id, bound, input.workspace);
  }
  const relativeDir = input.workingDir !== undefined && !isAbsolute(input.workingDir);
  const wantsDefault = input.transport === 'http' || relativeDir;
  const alias =
    input.workspace ??
    (bound === null ? undefined : bound) ??
    (wantsDefault ? registry.defaultAlias : undefined);
  if (alias === undefined) {
    if (input.transport === 'http') {
      throw new GatewayError(
        'WORKSPACE_REQUIRED',
        `HTTP requests must run in a registered workspace: ${FIX}`,
      );
    }
    if (relativeDir) {
      throw new GatewayError(
        'BAD_WORKING_DIR',
        `relative workingDir ${JSON.stringify(input.workingDir)} needs a workspace (pass \`workspace\` or set \`[workspaces] default\`), or give an absolute path`,
      );
    }
    return undefined;
  }
  if (bound !== undefined && bound !== alias) throw mismatch(input.session!.id, bound, alias);
  const ws = registry.entries[alias];
  if (ws === undefined) {
    throw new GatewayError(
      'WORKSPACE_UNKNOWN',
      `workspace "${alias}" is not registered (see \`llm-cli-gateway workspace list\`)`,
    );
  }
  return ws;
}

function mismatch(sessionId: string, bound: string | null, asked: string): GatewayError {
  const where = bound === null ? 'outside any workspace' : `in workspace "${bound}"`;
  return new GatewayError(
    'WORKSPACE_MISMATCH',
    `session ${sessionId} was created ${where} and cannot be resumed from workspace "${asked}"; start a new session there`,
  );
}

function checkProvider(ws: Workspace, provider: ProviderId): void {
  if (ws.providers !== undefined && !ws.providers.includes(provider)) {
    throw new GatewayError(
      'PROVIDER_NOT_ALLOWED',
      `provider ${provider} is not allowed in workspace "${ws.alias}" (allowed: ${ws.providers.join(', ')})`,
    );
  }
}

function checkCeiling(ws: Workspace, input: ConfineInput): void {
  // The ceiling binds remote callers; a local stdio user running in a workspace gets it too,
  // so a workspace's grant means the same thing whoever asks.
  if (!CEILING_ADMITS[ws.maxPermission].includes(input.permissionLevel)) {
    throw new GatewayError(
      'PERMISSION_CEILING',
      `permission level "${input.permissionLevel}" exceeds workspace "${ws.alias}"'s max_permission = "${ws.maxPermission}"` +
        (input.permissionLevel === 'full'
          ? ' (bypass / full-access modes need max_permission = "full")'
          : ''),
    );
  }
}

function assertNoNul(path: string): void {
  if (path.includes('\0')) throw new GatewayError('WORKSPACE_ESCAPE', 'workingDir contains a NUL byte');
}

/** True when `child` is `root` or below it (decided on resolved paths, never by string prefix). */
export function isWithin(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

function insideWorkspace(ws: Workspace, input: ConfineInput): string {
  const live = canonicalDir(ws.configuredPath);
  if (!ws.exists || !live.exists || live.path !== ws.path) {
    throw new GatewayError(
      'WORKSPACE_UNAVAILABLE',
      `workspace "${ws.alias}" (${ws.configuredPath}) is missing or was replaced since the gateway started; check it with \`llm-cli-gateway doctor\``,
    );
  }
  const requested = input.workingDir;
  if (requested === undefined) return ws.path;
  assertNoNul(requested);
  if (isAbsolute(requested) && input.transport === 'http') {
    throw new GatewayError(
      'WORKSPACE_ESCAPE',
      `workingDir must be relative to workspace "${ws.alias}", got an absolute path`,
    );
  }
  const candidate = resolve(ws.path, requested);
  if (!isWithin(ws.path, candidate)) throw escape(ws, requested);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new GatewayError(
      'BAD_WORKING_DIR',
      `workingDir ${JSON.stringify(requested)} does not exist in workspace "${ws.alias}"`,
    );
  }
  if (!isWithin(ws.path, real)) throw escape(ws, requested);
  if (!statSync(real).isDirectory()) {
    throw new GatewayError('BAD_WORKING_DIR', `workingDir ${JSON.stringify(requested)} is not a directory`);
  }
  return real;
}

function escape(ws: Workspace, requested: string): GatewayError {
  return new GatewayError(
    'WORKSPACE_ESCAPE',
    `workingDir ${JSON.stringify(requested)} resolves outside workspace "${ws.alias}"`,
  );
}

/**
 * The workspace a session created by `session_create` is bound to: the named
 * one, else (HTTP only) the default. HTTP callers must end up with one.
 */
export function sessionWorkspace(
  registry: WorkspaceRegistry,
  transport: 'stdio' | 'http',
  requested: string | undefined,
): string | undefined {
  const alias = requested ?? (transport === 'http' ? registry.defaultAlias : undefined);
  if (alias === undefined) {
    if (transport === 'http') {
      throw new GatewayError(
        'WORKSPACE_REQUIRED',
        `HTTP sessions must belong to a registered workspace: ${FIX}`,
      );
    }
    return undefined;
  }
  if (registry.entries[alias] === undefined) {
    throw new GatewayError(
      'WORKSPACE_UNKNOWN',
      `workspace "${alias}" is not registered (see \`llm-cli-gateway workspace list\`)`,
    );
  }
  return alias;
}
