/**
 * The PostgreSQL roles of the gateway. Cluster-wide names, created once by an
 * owner (`llm-cli-gateway db setup`, or the first start-up as the owner):
 *
 * - RUNTIME_ROLE (NOLOGIN): the privileges a running gateway needs. Grant it to
 *   the login role in the gateway's URL. It may INSERT and SELECT flight
 *   recorder rows, never UPDATE, DELETE or TRUNCATE them.
 * - QUERY_ROLE (LOGIN): the only role `flight_recorder_query` runs caller SQL
 *   as. It can SELECT the recorder's request rows, and row-level security shows
 *   it only the rows of the owner the gateway bound to its backend.
 */
export const RUNTIME_ROLE = 'llm_gateway_runtime';
export const QUERY_ROLE = 'llm_gateway_query';

/** Idempotent, race-safe (several databases may be set up at once): the first statement of every component. */
export const ENSURE_ROLES_SQL = `
DO $roles$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${RUNTIME_ROLE}') THEN
    BEGIN
      CREATE ROLE ${RUNTIME_ROLE} NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${QUERY_ROLE}') THEN
    BEGIN
      CREATE ROLE ${QUERY_ROLE} LOGIN NOINHERIT NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
END
$roles$;
GRANT SELECT ON gateway_schema_migrations TO ${RUNTIME_ROLE};
`;
