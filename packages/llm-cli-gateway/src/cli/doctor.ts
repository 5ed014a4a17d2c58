import { ConfigError } from '../config/errors.js';
import { configPath, loadConfig, type GatewayConfig } from '../config/file.js';
import { describeConfigError } from './conventions.js';
import { databaseReport, databaseWarnings, formatDatabase, type DatabaseReport } from './doctor-database.js';
import {
  formatGovernance,
  governanceReport,
  governanceWarnings,
  type GovernanceReport,
} from './doctor-governance.js';
import { formatSpawner, spawnerReport, spawnerWarnings, type SpawnerReport } from './doctor-spawner.js';
import { existsSync, statSync } from 'node:fs';
import {
  formatWorkspaces,
  workspacesReport,
  workspaceWarnings,
  type WorkspacesReport,
} from './doctor-workspaces.js';
import { gatewayHome, logsDbPath } from '../config/paths.js';
import { SESSIONS_FILE } from '../sessions/store.js';
import { VERSION } from '../version.js';
import { allCliVersions, type CliVersion } from '../versions.js';
import { join } from 'node:path';

export interface PathCheck {
  path: string;
  exists: boolean;
  mode?: string;
  expectedMode: string;
  ok: boolean;
}

export interface DoctorReport {
  version: string;
  node: string;
  transport: 'stdio' | 'http';
  /** How the CLIs are started: native posix_spawn or node's spawn (fork). */
  spawner: SpawnerReport;
  /** Config file, persistence, limits, approval and HTTP exposure; `error` when config.toml is invalid. */
  governance: GovernanceReport | { error: string };
  /** Registered workspaces; absent when config.toml is invalid. */
  workspaces?: WorkspacesReport;
  dataDir: PathCheck;
  sessionsFile: PathCheck;
  logsDb: PathCheck | { disabled: true };
  /** The PostgreSQL store (reachable, migrations, role privileges); absent with the SQLite default. */
  database?: DatabaseReport;
  config: { home: string; logsDb: string; envAllow: string };
  clis: CliVersion[];
  warnings: string[];
}

function checkPath(path: string, expected: number): PathCheck {
  const expectedMode = expected.toString(8).padStart(4, '0');
  if (!existsSync(path)) return { path, exists: false, expectedMode, ok: true };
  const mode = statSync(path).mode & 0o777;
  return {
    path,
    exists: true,
    mode: mode.toString(8).padStart(4, '0'),
    expectedMode,
    ok: (mode & ~expected) === 0,
  };
}

function loadGovernance(
  env: NodeJS.ProcessEnv,
  home: string,
):
  | { kind: 'ok'; report: GovernanceReport; workspaces: WorkspacesReport; store: GatewayConfig['store'] }
  | { kind: 'error'; error: string } {
  try {
    const config = loadConfig(env);
    return {
      kind: 'ok',
      report: governanceReport(config, home),
      workspaces: workspacesReport(config),
      store: config.store,
    };
  } catch (err) {
    if (err instanceof ConfigError) return { kind: 'error', error: describeConfigProblem(err, env) };
    throw err;
  }
}

/**
 * A configuration problem in the user's own terms: an environment setting as
 * they wrote it (`LLM_GATEWAY_CONFIG=/etc/gw.toml: ... does not exist`, secret
 * values left out), and for a problem inside a file named by
 * LLM_GATEWAY_CONFIG, that this is where the file came from.
 */
export function describeConfigProblem(err: ConfigError, env: NodeJS.ProcessEnv): string {
  const text = describeConfigError(err, env);
  const { path, explicit } = configPath(env);
  if (explicit && err.file === path)
    return `${text} (config file set by LLM_GATEWAY_CONFIG=${env.LLM_GATEWAY_CONFIG})`;
  return text;
}

export async function doctorReport(env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const home = gatewayHome(env);
  const db = logsDbPath(env);
  const governance = loadGovernance(env, home);
  const report: DoctorReport = {
    version: VERSION,
    node: process.version,
    transport: governance.kind === 'ok' ? governance.report.exposure.transport : 'stdio',
    spawner: spawnerReport(env),
    governance: governance.kind === 'ok' ? governance.report : { error: governance.error },
    workspaces: governance.kind === 'ok' ? governance.workspaces : undefined,
    dataDir: checkPath(home, 0o700),
    sessionsFile: checkPath(join(home, SESSIONS_FILE), 0o600),
    logsDb: db === null ? { disabled: true } : checkPath(db, 0o600),
    config: {
      home: env.LLM_GATEWAY_HOME ? 'LLM_GATEWAY_HOME' : 'default (~/.llm-cli-gateway)',
      logsDb:
        db === null
          ? 'disabled (LLM_GATEWAY_LOGS_DB=none)'
          : env.LLM_GATEWAY_LOGS_DB
            ? 'LLM_GATEWAY_LOGS_DB'
            : 'default',
      envAllow: env.LLM_GATEWAY_ENV_ALLOW ?? '',
    },
    clis: await allCliVersions(env),
    warnings: [],
  };
  if (governance.kind === 'ok' && governance.store.backend === 'postgres')
    report.database = await databaseReport(governance.store, env);
  for (const check of [report.dataDir, report.sessionsFile, report.logsDb]) {
    if ('ok' in check && !check.ok)
      report.warnings.push(`${check.path} has mode ${check.mode}, expected ${check.expectedMode} or tighter`);
  }
  report.warnings.push(...spawnerWarnings(report.spawner));
  if (report.clis.every((c) => !c.installed)) report.warnings.push('no provider CLI found on PATH');
  if (governance.kind === 'ok') {
    report.warnings.push(...governanceWarnings(governance.report));
    report.warnings.push(...workspaceWarnings(governance.workspaces));
  } else report.warnings.push(`config: ${governance.error}`);
  if (report.database !== undefined) report.warnings.push(...databaseWarnings(report.database));
  return report;
}

export function formatDoctor(r: DoctorReport): string {
  const lines = [
    `llm-cli-gateway ${r.version} (node ${r.node}), transport: ${r.transport}`,
    formatSpawner(r.spawner),
    '',
    'CLIs:',
  ];
  for (const c of r.clis) {
    const state = c.version ?? c.error ?? '';
    lines.push(`  ${c.installed ? 'ok ' : '-- '} ${c.cli.padEnd(8)} ${c.path ?? c.binary}  ${state}`);
  }
  lines.push('', 'Data:');
  const show = (label: string, p: PathCheck | { disabled: true }) =>
    'disabled' in p
      ? `  ${label}: disabled`
      : `  ${label}: ${p.path} ${p.exists ? `mode ${p.mode}` : '(not created yet)'}${p.ok ? '' : ' UNSAFE'}`;
  lines.push(show('data dir', r.dataDir), show('sessions', r.sessionsFile), show('logs.db', r.logsDb));
  lines.push(
    '',
    `Set by: data dir=${r.config.home}, logs=${r.config.logsDb}; extra env allow-list=[${r.config.envAllow}]`,
  );
  if ('error' in r.governance) lines.push('', `Config: INVALID: ${r.governance.error}`);
  else lines.push(...formatGovernance(r.governance));
  if (r.workspaces !== undefined) lines.push(...formatWorkspaces(r.workspaces));
  if (r.database !== undefined) lines.push(...formatDatabase(r.database));
  if (r.warnings.length > 0) lines.push('', 'Warnings:', ...r.warnings.map((w) => `  ! ${w}`));
  return lines.join('\n');
}
