import { QUERY_ROLE, RUNTIME_ROLE } from './roles.js';

/**
 * Server functions a READ ONLY transaction does not stop, with effects beyond
 * the caller's own rolled-back transaction: signalling other backends (all
 * callers share the query role, so one could cancel or kill another's query),
 * advisory locks (the job plane's admission, dedup and migrations take them;
 * session-level ones outlive the transaction), and NOTIFY on the job plane's
 * channel; and writes a read-only transaction lets through: WAL messages
 * (`pg_logical_emit_message` writes WAL even when rolled back), large objects
 * (created in a read-only transaction, bloating pg_largeobject until vacuum)
 * and transaction ids (`txid_current`: burns one per call). Every overload of
 * each name is covered.
 */
export const QUERY_DENIED_FUNCTIONS = [
  'pg_cancel_backend',
  'pg_terminate_backend',
  'pg_advisory_lock',
  'pg_advisory_lock_shared',
  'pg_try_advisory_lock',
  'pg_try_advisory_lock_shared',
  'pg_advisory_xact_lock',
  'pg_advisory_xact_lock_shared',
  'pg_try_advisory_xact_lock',
  'pg_try_advisory_xact_lock_shared',
  'pg_advisory_unlock',
  'pg_advisory_unlock_shared',
  'pg_advisory_unlock_all',
  'pg_notify',
  'pg_logical_emit_message',
  'lo_creat',
  'lo_create',
  'lo_from_bytea',
  'lo_import',
  'lo_put',
  'lowrite',
  'lo_truncate',
  'lo_truncate64',
  'lo_unlink',
  'pg_current_xact_id',
  'txid_current',
] as const;

const names = QUERY_DENIED_FUNCTIONS.map((n) => `'${n}'`).join(', ');

/** The pg_catalog functions of the deny list, as `regprocedure` (every overload). */
export const DENIED_PROCS_SQL = `SELECT p.oid::regprocedure AS f FROM pg_catalog.pg_proc p
  WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.proname IN (${names})`;

/**
 * PostgreSQL grants EXECUTE on these to PUBLIC, which no REVOKE from the query
 * role alone undoes: in the gateway's database (function privileges are per
 * database) they are revoked from PUBLIC and granted back to the runtime role
 * (admission, dedup, NOTIFY) and the database owner (migrations' lock), so the
 * query role is refused them whatever the spelling or dynamic SQL
 * (`query_to_xml`) used to call them. Only a superuser owns pg_catalog
 * functions: without one this step changes nothing, and doctor reports it.
 */
export const DENY_QUERY_FUNCTIONS_SQL = `
DO $deny$
DECLARE
  f regprocedure;
  dba name := (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database());
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    FOR f IN ${DENIED_PROCS_SQL} LOOP
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO ${RUNTIME_ROLE}, %I', f, dba);
      EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM ${QUERY_ROLE}', f);
    END LOOP;
  END IF;
END
$deny$;
`;

/** The deny-list functions the query role can still execute (for doctor). */
export const QUERY_ROLE_REACHABLE_SQL = `SELECT d.f::text AS f FROM (${DENIED_PROCS_SQL}) d
  WHERE has_function_privilege('${QUERY_ROLE}', d.f, 'EXECUTE') ORDER BY 1`;
