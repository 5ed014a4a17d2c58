import { COMPLETION_COLUMNS, REQUEST_COLUMNS, START_COLUMNS } from '../../recorder/schema.js';
import type { Migration } from './migrate.js';
import { DENY_QUERY_FUNCTIONS_SQL } from './query-deny.js';
import { ENSURE_ROLES_SQL, QUERY_ROLE, RUNTIME_ROLE } from './roles.js';

export const RECORDER_COMPONENT = 'recorder';
export const STARTS_TABLE = 'recorder_starts';
export const COMPLETIONS_TABLE = 'recorder_completions';
export const PG_CHAIN_TABLE = 'recorder_chain';
export const BINDINGS_TABLE = 'recorder_query_bindings';
export const CHAIN_LOCK_TABLE = 'recorder_chain_lock';
/** The tables that must never change once written. */
export const APPEND_ONLY_TABLES = [STARTS_TABLE, COMPLETIONS_TABLE, PG_CHAIN_TABLE] as const;

const PG_TYPES: Record<string, string> = { TEXT: 'text', INTEGER: 'integer' };

/** PostgreSQL type of a recorder column (from the shared column list: one schema, two stores). */
function columnType(name: string): string {
  const decl = REQUEST_COLUMNS.find(([n]) => n === name)![1];
  return PG_TYPES[decl.split(' ')[0]!]!;
}

const notNull = (c: string) =>
  [
    'correlation_id',
    'owner',
    'transport',
    'cli',
    'prompt',
    'prompt_sha256',
    'started_at',
    'status',
    'completed_at',
  ].includes(c)
    ? ' NOT NULL'
    : '';

const startColumns = START_COLUMNS.map((c) => `${c} ${columnType(c)}${notNull(c)}`).join(',\n  ');
const completionColumns = COMPLETION_COLUMNS.map((c) => `${c} ${columnType(c)}${notNull(c)}`).join(',\n  ');

/** The `requests` view: the SQLite table's exact columns, in its order, over the two insert-only tables. */
const viewColumns = REQUEST_COLUMNS.map(([c]) => {
  if (c === 'status') return `COALESCE(c.status, 'running') AS status`;
  return (START_COLUMNS as readonly string[]).includes(c) ? `s.${c}` : `c.${c}`;
}).join(', ');

const refuseTriggers = APPEND_ONLY_TABLES.map(
  (t) => `
CREATE TRIGGER ${t}_no_change BEFORE UPDATE OR DELETE ON ${t}
  FOR EACH ROW EXECUTE FUNCTION recorder_refuse_change();
CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t}
  FOR EACH STATEMENT EXECUTE FUNCTION recorder_refuse_change();`,
).join('\n');

const V1 = `
${ENSURE_ROLES_SQL}
-- Insert-only: a request is one row here when it starts ...
CREATE TABLE ${STARTS_TABLE} (
  ${startColumns},
  PRIMARY KEY (correlation_id)
);
CREATE INDEX ${STARTS_TABLE}_owner_started ON ${STARTS_TABLE} (owner, started_at);
-- ... and one row here when it completes, so no row is ever updated.
CREATE TABLE ${COMPLETIONS_TABLE} (
  correlation_id text PRIMARY KEY REFERENCES ${STARTS_TABLE} (correlation_id),
  owner text NOT NULL,
  ${completionColumns},
  CHECK (status IN ('completed', 'failed'))
);
CREATE INDEX ${COMPLETIONS_TABLE}_owner_session ON ${COMPLETIONS_TABLE} (owner, provider_session_id);
-- The hash chain (audit-chain's format): seq assigned as previous + 1 under an advisory lock.
CREATE TABLE ${PG_CHAIN_TABLE} (
  seq bigint PRIMARY KEY,
  event_id text NOT NULL UNIQUE,
  ts text NOT NULL,
  actor text NOT NULL,
  type text NOT NULL,
  payload text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
-- One row, locked FOR UPDATE by every append: serialises the chain across instances. A row lock
-- (not an advisory lock) because the query role can take any advisory lock, but not this one.
CREATE TABLE ${CHAIN_LOCK_TABLE} (id integer PRIMARY KEY CHECK (id = 1));
INSERT INTO ${CHAIN_LOCK_TABLE} VALUES (1);
-- Which owner a query-role backend may see: written by the gateway, never readable by the query role.
CREATE TABLE ${BINDINGS_TABLE} (
  pid integer PRIMARY KEY,
  owner text NOT NULL,
  bound_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION recorder_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'flight recorder table % is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;
${refuseTriggers}

CREATE VIEW requests WITH (security_invoker = true) AS
  SELECT ${viewColumns}
  FROM ${STARTS_TABLE} s LEFT JOIN ${COMPLETIONS_TABLE} c ON c.correlation_id = s.correlation_id;

-- The owner bound to this backend. SECURITY DEFINER so the query role can learn its own
-- binding without any privilege on the bindings table; keyed on pg_backend_pid(), which
-- caller SQL cannot change (unlike a setting: set_config would forge it).
DO $fn$
BEGIN
  EXECUTE format(
    'CREATE FUNCTION recorder_bound_owner() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER '
    'SET search_path = pg_catalog, pg_temp AS %L',
    format('SELECT owner FROM %I.${BINDINGS_TABLE} WHERE pid = pg_backend_pid()', current_schema()));
END
$fn$;
REVOKE ALL ON FUNCTION recorder_bound_owner() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION recorder_bound_owner() TO ${QUERY_ROLE};

-- Backends of one role see each other's SQL text in pg_stat_activity: with tracking off for the
-- query role, a caller cannot read another caller's statement. A superuser-only setting (caller SQL
-- cannot turn it back on); doctor reports it when an owner without superuser ran this.
DO $track$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER ROLE ${QUERY_ROLE} SET track_activities = off;
  END IF;
END
$track$;

ALTER TABLE ${STARTS_TABLE} ENABLE ROW LEVEL SECURITY;
ALTER TABLE ${COMPLETIONS_TABLE} ENABLE ROW LEVEL SECURITY;
CREATE POLICY runtime_all ON ${STARTS_TABLE} TO ${RUNTIME_ROLE} USING (true) WITH CHECK (true);
CREATE POLICY runtime_all ON ${COMPLETIONS_TABLE} TO ${RUNTIME_ROLE} USING (true) WITH CHECK (true);
CREATE POLICY own_rows ON ${STARTS_TABLE} FOR SELECT TO ${QUERY_ROLE} USING (owner = recorder_bound_owner());
CREATE POLICY own_rows ON ${COMPLETIONS_TABLE} FOR SELECT TO ${QUERY_ROLE} USING (owner = recorder_bound_owner());

REVOKE ALL ON ${STARTS_TABLE}, ${COMPLETIONS_TABLE}, ${PG_CHAIN_TABLE}, ${BINDINGS_TABLE}, ${CHAIN_LOCK_TABLE}, requests FROM PUBLIC;
GRANT SELECT, UPDATE ON ${CHAIN_LOCK_TABLE} TO ${RUNTIME_ROLE};
GRANT SELECT, INSERT ON ${STARTS_TABLE}, ${COMPLETIONS_TABLE}, ${PG_CHAIN_TABLE} TO ${RUNTIME_ROLE};
GRANT SELECT ON requests TO ${RUNTIME_ROLE}, ${QUERY_ROLE};
GRANT SELECT, INSERT, UPDATE, DELETE ON ${BINDINGS_TABLE} TO ${RUNTIME_ROLE};
GRANT SELECT ON ${STARTS_TABLE}, ${COMPLETIONS_TABLE} TO ${QUERY_ROLE};
`;

export const RECORDER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'flight recorder: insert-only tables, hash chain, owner-bound query role',
    sql: V1,
  },
  {
    version: 2,
    description: 'flight recorder: the query role cannot signal backends, take advisory locks or NOTIFY',
    sql: DENY_QUERY_FUNCTIONS_SQL,
  },
];
