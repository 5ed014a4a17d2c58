import type pg from 'pg';
import { pgDriver } from '../store/pg/driver.js';
import { redactDatabaseUrl, type StoreConfig } from '../config/file.js';
import { STORE_COMPONENTS } from '../store/pg/components.js';
import { appliedVersions } from '../store/pg/migrate.js';
import { QUERY_ROLE_REACHABLE_SQL } from '../store/pg/query-deny.js';
import { queryRoleUrl } from '../store/pg/query-url.js';
import {
  APPEND_ONLY_TABLES,
  BINDINGS_TABLE,
  COMPLETIONS_TABLE,
  PG_CHAIN_TABLE,
  RECORDER_COMPONENT,
  STARTS_TABLE,
} from '../store/pg/recorder-schema.js';
import { QUERY_ROLE } from '../store/pg/roles.js';
import { SESSIONS_TABLE } from '../store/pg/sessions-schema.js';

export interface DatabaseCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface DatabaseReport {
  backend: 'postgres';
  /** The URL with its password redacted, and where it was set. */
  url: string;
  setting: string;
  reachable: boolean;
  role?: string;
  serverVersion?: string;
  /** Per component: the version applied in the database and the one this gateway expects. */
  migrations: Record<string, { applied: number | null; expected: number }>;
  checks: DatabaseCheck[];
}

type Client = pg.Client;

async function bool(client: Client, sql: string, values: unknown[] = []): Promise<boolean> {
  const { rows } = await client.query<{ v: boolean }>(sql, values);
  return rows[0]?.v === true;
}

/** What the gateway's own role may do to the recorder: never UPDATE, DELETE or TRUNCATE, nor own it. */
async function gatewayRoleChecks(client: Client, role: string): Promise<DatabaseCheck[]> {
  const checks: DatabaseCheck[] = [];
  const superuser = await bool(client, 'SELECT rolsuper AS v FROM pg_roles WHERE rolname = current_user');
  checks.push({
    name: 'gateway role is not a superuser',
    ok: !superuser,
    detail: superuser
      ? `${role} is a superuser: it can change flight-recorder rows and bypass every guard; run the gateway as a login role granted llm_gateway_runtime`
      : `${role}`,
  });
  for (const table of APPEND_ONLY_TABLES) {
    const can: string[] = [];
    for (const priv of ['UPDATE', 'DELETE', 'TRUNCATE']) {
      if (await bool(client, 'SELECT has_table_privilege(current_user, $1, $2) AS v', [table, priv]))
        can.push(priv);
    }
    const owns = await bool(
      client,
      `SELECT pg_has_role(current_user, c.relowner, 'MEMBER') AS v FROM pg_class c WHERE c.oid = to_regclass($1)`,
      [table],
    );
    const problems = [
      ...can.map((p) => `can ${p}`),
      ...(owns ? ['owns the table (can drop its triggers)'] : []),
    ];
    checks.push({
      name: `gateway role cannot change ${table}`,
      ok: problems.length === 0,
      detail: problems.length === 0 ? 'INSERT and SELECT only' : `${role} ${problems.join(', ')}`,
    });
  }
  const canWrite = await bool(
    client,
    `SELECT has_table_privilege(current_user, $1, 'INSERT') AND has_table_privilege(current_user, $2, 'INSERT')
        AND has_table_privilege(current_user, $3, 'INSERT') AND has_table_privilege(current_user, $4, 'DELETE') AS v`,
    [STARTS_TABLE, COMPLETIONS_TABLE, PG_CHAIN_TABLE, BINDINGS_TABLE],
  );
  checks.push({
    name: 'gateway role can record',
    ok: canWrite,
    detail: canWrite
      ? 'INSERT on the recorder tables'
      : `${role} lacks INSERT on the recorder tables (grant llm_gateway_runtime)`,
  });
  return checks;
}

/** The query role: exists, logs in, no superpowers, SELECT on the request rows and nothing else. */
async function queryRoleChecks(client: Client): Promise<DatabaseCheck[]> {
  const { rows } = await client.query<{ login: boolean; sup: boolean; bypass: boolean; member_of: number }>(
    `SELECT rolcanlogin AS login, rolsuper AS sup, rolbypassrls AS bypass,
            (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS member_of
     FROM pg_roles r WHERE rolname = $1`,
    [QUERY_ROLE],
  );
  const r = rows[0];
  if (r === undefined)
    return [
      {
        name: 'query role',
        ok: false,
        detail: `role ${QUERY_ROLE} does not exist (run the migrations as an owner)`,
      },
    ];
  const problems: string[] = [];
  if (!r.login) problems.push('cannot log in');
  if (r.sup) problems.push('is a superuser');
  if (r.bypass) problems.push('bypasses row-level security');
  if (r.member_of > 0) problems.push(`is a member of ${r.member_of} role(s) (SET ROLE would escape)`);
  const writable = [STARTS_TABLE, COMPLETIONS_TABLE, PG_CHAIN_TABLE, BINDINGS_TABLE, SESSIONS_TABLE];
  for (const table of writable) {
    for (const priv of ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) {
      if (await bool(client, 'SELECT has_table_privilege($1, $2, $3) AS v', [QUERY_ROLE, table, priv]))
        problems.push(`can ${priv} ${table}`);
    }
  }
  for (const table of [PG_CHAIN_TABLE, BINDINGS_TABLE, SESSIONS_TABLE]) {
    if (await bool(client, `SELECT has_table_privilege($1, $2, 'SELECT') AS v`, [QUERY_ROLE, table]))
      problems.push(`can read ${table}`);
  }
  if (!(await bool(client, `SELECT has_table_privilege($1, 'requests', 'SELECT') AS v`, [QUERY_ROLE])))
    problems.push('cannot read requests');
  const rls = await bool(
    client,
    'SELECT bool_and(relrowsecurity) AS v FROM pg_class WHERE oid IN (to_regclass($1), to_regclass($2))',
    [STARTS_TABLE, COMPLETIONS_TABLE],
  );
  if (!rls) problems.push('row-level security is off on the recorder tables');
  const untracked = await bool(
    client,
    `SELECT EXISTS (SELECT 1 FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
       WHERE r.rolname = $1 AND 'track_activities=off' = ANY (s.setconfig)) AS v`,
    [QUERY_ROLE],
  );
  if (!untracked)
    problems.push(
      `tracks activity: concurrent callers can read each other's SQL in pg_stat_activity (as a superuser: ALTER ROLE ${QUERY_ROLE} SET track_activities = off)`,
    );
  const reachable = (await client.query<{ f: string }>(QUERY_ROLE_REACHABLE_SQL)).rows.map((x) => x.f);
  if (reachable.length > 0)
    problems.push(
      `can execute ${reachable.join(', ')}: a caller could cancel another's query, hold advisory locks or NOTIFY the job plane (as a superuser, in this database: REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC, then GRANT it to llm_gateway_runtime and the database owner)`,
    );
  return [
    {
      name: 'query role can only SELECT its bound rows',
      ok: problems.length === 0,
      detail:
        problems.length === 0
          ? `${QUERY_ROLE}: SELECT on requests, row-level security on, no backend signals, advisory locks or NOTIFY`
          : `${QUERY_ROLE} ${problems.join('; ')}`,
    },
  ];
}

/** Can flight_recorder_query connect as the query role (password from the server's rules, ~/.pgpass or its own URL)? */
async function queryRoleConnects(url: string, env: NodeJS.ProcessEnv): Promise<DatabaseCheck> {
  const target = queryRoleUrl(url, env);
  const client = new (pgDriver().Client)({ connectionString: target, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { name: 'query role connects', ok: true, detail: redactDatabaseUrl(target) };
  } catch (err) {
    return {
      name: 'query role connects',
      ok: false,
      detail: `${redactDatabaseUrl(target)}: ${(err as Error).message} (set LLM_GATEWAY_QUERY_DATABASE_URL or a password for ${QUERY_ROLE})`,
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `doctor` on the PostgreSQL store: reachable, migrated, and the two roles no more privileged than they must be. */
export async function databaseReport(
  store: Extract<StoreConfig, { backend: 'postgres' }>,
  env: NodeJS.ProcessEnv,
): Promise<DatabaseReport> {
  const report: DatabaseReport = {
    backend: 'postgres',
    url: redactDatabaseUrl(store.url),
    setting: store.setting,
    reachable: false,
    migrations: {},
    checks: [],
  };
  const client = new (pgDriver().Client)({ connectionString: store.url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    report.checks.push({ name: 'reachable', ok: false, detail: `${report.url}: ${(err as Error).message}` });
    return report;
  }
  try {
    const who = await client.query<{ role: string; version: string }>(
      "SELECT current_user AS role, current_setting('server_version') AS version",
    );
    report.reachable = true;
    report.role = who.rows[0]!.role;
    report.serverVersion = who.rows[0]!.version;
    report.checks.push({
      name: 'reachable',
      ok: true,
      detail: `${report.url} as ${report.role} (PostgreSQL ${report.serverVersion})`,
    });
    const applied = await appliedVersions(client as unknown as pg.Pool);
    for (const { component, migrations } of STORE_COMPONENTS) {
      const expected = migrations.at(-1)?.version ?? 0;
      const have = applied[component] ?? null;
      report.migrations[component] = { applied: have, expected };
      report.checks.push({
        name: `migrations: ${component}`,
        ok: have === expected,
        detail:
          have === expected
            ? `version ${have}`
            : have === null
              ? `not applied (expected ${expected}): start the gateway once as the database owner, or run the set-up SQL`
              : `at version ${have}, this gateway expects ${expected}`,
      });
    }
    if (report.migrations[RECORDER_COMPONENT]?.applied !== null) {
      report.checks.push(...(await gatewayRoleChecks(client, report.role)));
      report.checks.push(...(await queryRoleChecks(client)));
      report.checks.push(await queryRoleConnects(store.url, env));
    }
  } catch (err) {
    report.checks.push({ name: 'database checks', ok: false, detail: (err as Error).message });
  } finally {
    await client.end().catch(() => undefined);
  }
  return report;
}

export function databaseWarnings(r: DatabaseReport): string[] {
  return r.checks.filter((c) => !c.ok).map((c) => `database: ${c.name}: ${c.detail}`);
}

export function formatDatabase(r: DatabaseReport): string[] {
  // The setting as the user wrote it: the variable's name, or the key in config.toml.
  const setting = r.setting.startsWith('env:') ? r.setting.slice('env:'.length) : r.setting;
  const lines = ['', `Database: PostgreSQL ${r.url} (set by ${setting})`];
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return lines;
}
