import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { APPROVALS_DB } from '../approval/decision-log.js';
import { assessExposure, type ExposureReport } from '../config/exposure.js';
import type { GatewayConfig } from '../config/file.js';

export interface GovernanceReport {
  configFile: { path: string; exists: boolean };
  persistence: { backend: 'sqlite' | 'none'; path: string | null; asyncTools: boolean; mode?: string };
  limits: GatewayConfig['limits'];
  approval: GatewayConfig['approval'] & { eligibleMcpServers: string[]; log: string; logMode?: string };
  exposure: ExposureReport;
}

function modeOf(path: string | null): string | undefined {
  if (path === null || !existsSync(path)) return undefined;
  return (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
}

/** The issue-6 part of `doctor`: persistence, limits, approval and HTTP exposure. */
export function governanceReport(config: GatewayConfig, home: string): GovernanceReport {
  const approvalsDb = join(home, APPROVALS_DB);
  return {
    configFile: config.file,
    persistence: {
      backend: config.persistence.backend,
      path: config.persistence.path,
      asyncTools: config.persistence.backend === 'sqlite',
      mode: modeOf(config.persistence.path),
    },
    limits: config.limits,
    approval: {
      ...config.approval,
      eligibleMcpServers: Object.keys(config.mcpServers),
      log: approvalsDb,
      logMode: modeOf(approvalsDb),
    },
    exposure: assessExposure(config),
  };
}

/** Warnings `doctor` adds (unsafe findings and warnings; infos are shown, not counted). */
export function governanceWarnings(r: GovernanceReport): string[] {
  const out = r.exposure.findings
    .filter((f) => f.level !== 'info')
    .map((f) => `${f.level === 'unsafe' ? 'UNSAFE ' : ''}${f.message}`);
  for (const [label, mode] of [
    ['jobs.db', r.persistence.mode],
    ['approvals.db', r.approval.logMode],
  ] as const) {
    if (mode !== undefined && (parseInt(mode, 8) & 0o077) !== 0)
      out.push(`${label} has mode ${mode}, expected 0600`);
  }
  return out;
}

export function formatGovernance(r: GovernanceReport): string[] {
  const l = r.limits;
  const lines = [
    '',
    `Config: ${r.configFile.path}${r.configFile.exists ? '' : ' (not present: defaults)'}`,
    `Persistence: ${r.persistence.backend}${r.persistence.path ? ` ${r.persistence.path}` : ''} (async job tools ${r.persistence.asyncTools ? 'on' : 'off'})`,
    `Limits: max_concurrent=${l.maxConcurrent} per_provider=${JSON.stringify(l.perProvider)} max_queue=${l.maxQueue} queue_timeout=${l.queueTimeoutMs / 1000}s sync_deadline=${l.syncDeadlineMs / 1000}s dedup_window=${l.dedupWindowMs / 1000}s lease=${l.jobLeaseMs / 1000}s`,
    `Approval: strategy=${r.approval.strategy} threshold=${r.approval.threshold} claude_permission_mode=${r.approval.claudePermissionMode} eligible MCP servers=[${r.approval.eligibleMcpServers.join(', ')}]`,
    `HTTP: transport=${r.exposure.transport} bind=${r.exposure.bind}${r.exposure.loopback ? ' (loopback)' : ' (NOT loopback)'} auth=${r.exposure.auth} principals=[${r.exposure.principals.join(', ')}]${r.exposure.publicUrl ? ` public_url=${r.exposure.publicUrl}` : ''}`,
  ];
  for (const f of r.exposure.findings)
    lines.push(
      `  ${f.level === 'unsafe' ? '!!' : f.level === 'warning' ? '! ' : '- '} ${f.code}: ${f.message}`,
    );
  return lines;
}
