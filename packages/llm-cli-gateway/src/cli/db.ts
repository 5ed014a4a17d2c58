import { ConfigError } from '../config/errors.js';
import { loadConfig, redactDatabaseUrl } from '../config/file.js';
import { errorMessage } from '../errors.js';
import { STORE_COMPONENTS } from '../store/pg/components.js';
import { migrate, type MigrationReport } from '../store/pg/migrate.js';
import { openPgPool } from '../store/pg/pool.js';

export const HELP_DB = `Usage: llm-cli-gateway db migrate [--json]

PostgreSQL store only ([store] backend = "postgres" or LLM_GATEWAY_DATABASE_URL):
applies the pending schema migrations of the flight recorder and the sessions,
and creates the llm_gateway_runtime and llm_gateway_query roles if missing. Run
it with a database owner's URL (CREATEROLE for the first run); gateways then run
as a login role granted llm_gateway_runtime. Exit 0 when migrated, 1 on failure.`;

export interface DbIo {
  out(text: string): void;
  err(text: string): void;
}

/** `llm-cli-gateway db migrate`: the start-up migrations, on their own, for an operator running as the owner. */
export async function dbCommand(
  args: readonly string[],
  json: boolean,
  io: DbIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (args.length !== 1 || args[0] !== 'migrate') {
    io.err(HELP_DB);
    return 2;
  }
  let url: string;
  try {
    const store = loadConfig(env).store;
    if (store.backend !== 'postgres') {
      io.err(
        'llm-cli-gateway: db migrate needs the PostgreSQL store ([store] backend = "postgres" or LLM_GATEWAY_DATABASE_URL)',
      );
      return 2;
    }
    url = store.url;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`llm-cli-gateway: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const pool = openPgPool(url, { max: 1, applicationName: 'llm-cli-gateway-migrate' });
  const reports: MigrationReport[] = [];
  try {
    for (const { component, migrations } of STORE_COMPONENTS)
      reports.push(await migrate(pool, component, migrations));
  } catch (err) {
    io.err(`llm-cli-gateway: migrating ${redactDatabaseUrl(url)} failed: ${errorMessage(err)}`);
    return 1;
  } finally {
    await pool.end();
  }
  if (json) io.out(JSON.stringify({ url: redactDatabaseUrl(url), components: reports }, null, 2));
  else
    for (const r of reports)
      io.out(
        `${r.component}: version ${r.current}${r.applied.length > 0 ? ` (applied ${r.applied.join(', ')})` : ' (up to date)'}`,
      );
  return 0;
}
