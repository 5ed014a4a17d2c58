import type { PgPool } from './pool.js';
import { withTransaction } from './pool.js';

/** One schema step of one component; `version` starts at 1 and never changes meaning once released. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Every instance takes this lock before migrating, so two starting at once never race. */
const MIGRATION_LOCK_KEY = 'llm-cli-gateway:migrations';

const LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS gateway_schema_migrations (
  component TEXT NOT NULL,
  version INTEGER NOT NULL,
  description TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (component, version)
)`;

export interface MigrationReport {
  readonly component: string;
  readonly applied: number[];
  readonly current: number;
}

/**
 * Applies the pending migrations of `component` in order, each in the same
 * transaction as its ledger row, under a transaction-scoped advisory lock. A
 * database newer than this gateway (a version it does not know) is refused
 * rather than used.
 */
export async function migrate(
  pool: PgPool,
  component: string,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  checkSequence(component, migrations);
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [MIGRATION_LOCK_KEY]);
    // Only when missing: CREATE ... IF NOT EXISTS still needs CREATE on the schema, which a
    // least-privilege runtime role (starting against an already set-up database) lacks.
    const ledger = await client.query<{ t: string | null }>(
      "SELECT to_regclass('gateway_schema_migrations')::text AS t",
    );
    if (ledger.rows[0]?.t === null) await client.query(LEDGER_DDL);
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM gateway_schema_migrations WHERE component = $1 ORDER BY version',
      [component],
    );
    const known = new Set(rows.map((r) => r.version));
    const newest = migrations.at(-1)?.version ?? 0;
    const unknown = rows.find((r) => r.version > newest);
    if (unknown !== undefined) {
      throw new Error(
        `database schema of "${component}" is at version ${unknown.version}, newer than this gateway supports (${newest}); upgrade the gateway`,
      );
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (known.has(m.version)) continue;
      await client.query(m.sql);
      await client.query(
        'INSERT INTO gateway_schema_migrations (component, version, description) VALUES ($1, $2, $3)',
        [component, m.version, m.description],
      );
      applied.push(m.version);
    }
    return { component, applied, current: newest };
  });
}

/** The versions the database has applied per component (for `doctor`). */
export async function appliedVersions(pool: PgPool): Promise<Record<string, number>> {
  const exists = await pool.query<{ t: string | null }>(
    "SELECT to_regclass('gateway_schema_migrations')::text AS t",
  );
  if (exists.rows[0]?.t === null) return {};
  const { rows } = await pool.query<{ component: string; version: number }>(
    'SELECT component, max(version)::int AS version FROM gateway_schema_migrations GROUP BY component',
  );
  return Object.fromEntries(rows.map((r) => [r.component, r.version]));
}

function checkSequence(component: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(
        `migrations of "${component}" must be numbered 1, 2, 3, ... (found ${m.version} at position ${i + 1})`,
      );
    }
  });
}
