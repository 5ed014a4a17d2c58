import type { PermissionLevel, ProviderId } from '../providers/contract.js';

/**
 * What a whole request lets the agent do, computed from every option that
 * widens or narrows it: the permission / approval / sandbox mode AND the tool
 * allow-lists (claude `allowedTools`). A mode alone says little: `plan` with
 * `allowedTools: ["Bash"]` still pre-approves arbitrary shell.
 *
 * Deny-lists never lower the result: a deny-list cannot enumerate every way to
 * reach a shell (`Bash` denied, `mcp__x__exec` allowed), so they are ignored
 * here on purpose (conservative).
 */
export interface Capability {
  /** The ceiling class: checked against a workspace's `max_permission`. */
  readonly level: PermissionLevel;
  /** The CLI's own permission checks are off (bypass / yolo / auto-approve). */
  readonly bypass: boolean;
  /** May run commands without asking (inside a CLI sandbox when `sandboxed`). */
  readonly shell: boolean;
  /** Shell commands are confined by the CLI's own sandbox (codex). */
  readonly sandboxed: boolean;
  /** May modify files without asking. */
  readonly write: boolean;
  /** May reach the network without asking (fetch, search, unsandboxed shell). */
  readonly network: boolean;
  /** Why: one line per option that raised the capability. */
  readonly reasons: readonly string[];
}

interface Draft {
  mode: PermissionLevel;
  bypass: boolean;
  shell: boolean;
  sandboxed: boolean;
  write: boolean;
  network: boolean;
  unknown: boolean;
  reasons: string[];
}

const RANK: Readonly<Record<PermissionLevel, number>> = { 'read-only': 0, default: 1, edits: 2, full: 3 };

export function levelRank(level: PermissionLevel): number {
  return RANK[level];
}

function draft(mode: PermissionLevel): Draft {
  return {
    mode,
    bypass: mode === 'full',
    shell: mode === 'full',
    sandboxed: false,
    write: mode === 'full' || mode === 'edits',
    network: mode === 'full',
    unknown: false,
    reasons: [],
  };
}

/** Claude tools by what pre-approving them grants. Anything else (mcp__*, new tools) is unknown: treated as full. */
const CLAUDE_SHELL = new Set(['Bash', 'BashOutput', 'KillShell', 'KillBash']);
const CLAUDE_WRITE = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const CLAUDE_NETWORK = new Set(['WebFetch', 'WebSearch']);
const CLAUDE_INERT = new Set([
  'Read',
  'Grep',
  'Glob',
  'LS',
  'NotebookRead',
  'TodoWrite',
  'TodoRead',
  'Task',
  'ExitPlanMode',
]);

function claudeModeLevel(mode: unknown): PermissionLevel {
  switch (mode) {
    case 'bypassPermissions':
      return 'full';
    case 'acceptEdits':
    case 'auto':
      return 'edits';
    case 'plan':
      return 'read-only';
    default:
      return 'default';
  }
}

function claude(options: Record<string, unknown>, managedMode: string | undefined): Draft {
  const mode = managedMode ?? options.permissionMode;
  const d = draft(claudeModeLevel(mode));
  if (d.mode !== 'default') d.reasons.push(`--permission-mode ${String(mode)}`);
  const allowed = Array.isArray(options.allowedTools) ? (options.allowedTools as unknown[]) : [];
  for (const raw of allowed) {
    const tool = String(raw);
    const name = tool.replace(/\(.*$/s, '');
    if (CLAUDE_SHELL.has(name)) {
      // A rule such as Bash(curl:*) still runs an arbitrary program with arbitrary arguments.
      d.shell = d.network = d.write = true;
      d.reasons.push(`--allowed-tools ${tool}: pre-approved shell`);
    } else if (CLAUDE_WRITE.has(name)) {
      d.write = true;
      d.reasons.push(`--allowed-tools ${tool}: pre-approved file edits`);
    } else if (CLAUDE_NETWORK.has(name)) {
      d.network = true;
      d.reasons.push(`--allowed-tools ${tool}: pre-approved network access`);
    } else if (!CLAUDE_INERT.has(name)) {
      d.unknown = d.shell = d.network = d.write = true;
      d.reasons.push(`--allowed-tools ${tool}: unknown tool, treated as full access`);
    }
  }
  return d;
}

function codex(options: Record<string, unknown>): Draft {
  switch (options.sandbox) {
    case 'danger-full-access':
      return { ...draft('full'), reasons: ['--sandbox danger-full-access'] };
    case 'workspace-write':
      return {
        ...draft('edits'),
        shell: true,
        sandboxed: true,
        reasons: ['--sandbox workspace-write'],
      };
    case 'read-only':
      return { ...draft('read-only'), shell: true, sandboxed: true, reasons: ['--sandbox read-only'] };
    default:
      // `codex exec` without --sandbox runs commands in its configured (default: read-only) sandbox.
      return { ...draft('default'), shell: true, sandboxed: true };
  }
}

function modeOnly(value: unknown, map: Readonly<Record<string, PermissionLevel>>, flag: string): Draft {
  const level = map[String(value)] ?? 'default';
  const d = draft(level);
  if (value !== undefined && level !== 'default') d.reasons.push(`${flag} ${String(value)}`);
  return d;
}

function raw(provider: ProviderId, options: Record<string, unknown>, managedMode: string | undefined): Draft {
  switch (provider) {
    case 'claude':
      return claude(options, managedMode);
    case 'codex':
      return codex(options);
    case 'gemini':
      return modeOnly(
        options.approvalMode,
        { yolo: 'full', auto_edit: 'edits', plan: 'read-only' },
        '--approval-mode',
      );
    case 'mistral':
      // vibe's default agent here is accept-edits (see providers/vibe.ts).
      return modeOnly(
        options.agent ?? 'accept-edits',
        { 'auto-approve': 'full', 'accept-edits': 'edits', plan: 'read-only' },
        '--agent',
      );
    case 'grok':
      return { ...draft('full'), reasons: ['grok headless mode auto-approves every tool'] };
  }
}

/**
 * The effective capability of one request: a pure function of the provider,
 * its parsed options and (for an approved managed claude launch) the gate's
 * fixed permission mode, which replaces the caller's.
 */
export function effectiveCapability(
  provider: ProviderId,
  options: Record<string, unknown>,
  managedMode?: string,
): Capability {
  const d = raw(provider, options, managedMode);
  let level: PermissionLevel = d.mode;
  // Unsandboxed shell or network access: the agent can do anything the user can, so only `full` admits it.
  if (d.bypass || d.unknown || (d.shell && !d.sandboxed) || d.network) level = 'full';
  else if (d.write && levelRank(level) < RANK.edits) level = 'edits';
  return {
    level,
    bypass: d.bypass,
    shell: d.shell,
    sandboxed: d.sandboxed && !d.bypass,
    write: d.write,
    network: d.network,
    reasons: d.reasons,
  };
}
