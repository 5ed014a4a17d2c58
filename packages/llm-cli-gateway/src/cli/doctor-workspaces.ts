import type { GatewayConfig } from '../config/file.js';
import { canonicalDir } from '../workspaces/registry.js';

export interface WorkspaceCheck {
  alias: string;
  path: string;
  exists: boolean;
  providers: string[] | 'all';
  maxPermission: string;
  default: boolean;
}

export interface WorkspacesReport {
  default: string | null;
  workspaces: WorkspaceCheck[];
  /** HTTP transport selected, or HTTP principals configured. */
  httpEnabled: boolean;
}

/** The issue-8 part of `doctor`: registered workspaces and whether HTTP callers have one. */
export function workspacesReport(config: GatewayConfig): WorkspacesReport {
  const reg = config.workspaces;
  return {
    default: reg.defaultAlias ?? null,
    workspaces: Object.values(reg.entries).map((ws) => ({
      alias: ws.alias,
      path: ws.path,
      // Checked now, not as of config load.
      exists: canonicalDir(ws.configuredPath).exists,
      providers: ws.providers === undefined ? 'all' : [...ws.providers],
      maxPermission: ws.maxPermission,
      default: ws.alias === reg.defaultAlias,
    })),
    httpEnabled: config.transport === 'http' || config.http.principals.length > 0,
  };
}

export function workspaceWarnings(r: WorkspacesReport): string[] {
  const out = r.workspaces
    .filter((w) => !w.exists)
    .map((w) => `workspace "${w.alias}": ${w.path} is missing or not a directory; its requests are refused`);
  if (r.httpEnabled && r.workspaces.length === 0) {
    out.push(
      'HTTP is enabled but no workspace is registered: every HTTP request will be refused ' +
        '(llm-cli-gateway workspace add <alias> <path>)',
    );
  }
  for (const w of r.workspaces) {
    if (r.httpEnabled && w.maxPermission === 'full')
      out.push(
        `workspace "${w.alias}" grants max_permission = "full": HTTP callers may bypass the CLIs' approvals`,
      );
  }
  return out;
}

export function formatWorkspaces(r: WorkspacesReport): string[] {
  const lines = ['', `Workspaces (default: ${r.default ?? 'none'}):`];
  if (r.workspaces.length === 0) lines.push('  (none registered)');
  for (const w of r.workspaces) {
    const providers = w.providers === 'all' ? 'all' : w.providers.join(',');
    lines.push(
      `  ${w.exists ? 'ok ' : '!! '} ${w.alias}  ${w.path}${w.exists ? '' : ' (MISSING)'}  providers=${providers} max_permission=${w.maxPermission}`,
    );
  }
  return lines;
}
