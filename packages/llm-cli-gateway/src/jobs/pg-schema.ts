import type { Migration } from '../store/pg/migrate.js';
import { ENSURE_ROLES_SQL, RUNTIME_ROLE } from '../store/pg/roles.js';

/** Migration component of the job plane in `gateway_schema_migrations`. */
export const JOBS_COMPONENT = 'jobs';

/**
 * The PostgreSQL job plane's schema. The jobs table is also the queue and the
 * ledger of concurrency slots:
 *  - kind 'job': an async job (or a sync request adopted as one); visible to its owner;
 *  - kind 'sync': the slot of a sync request, pinned to the instance holding
 *    the caller's connection; never shown to anyone, kept as a record of
 *    when it ran (started_at / finished_at), like a job.
 * `payload` (caller + request, the prompt included) exists only while a job
 * is queued: the claim clears it, and a CHECK refuses it in any other state,
 * so jobs are content-free at rest like on SQLite. Times come from the
 * database clock (one clock for every instance).
 */
export const JOB_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs queue, slots and output chunks',
    sql: `${ENSURE_ROLES_SQL}
CREATE TABLE gateway_jobs (
  seq BIGSERIAL NOT NULL UNIQUE,
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('job','sync')),
  owner TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued','running','completed','failed','canceled','orphaned')),
  request_hash TEXT NOT NULL,
  payload JSONB,
  instance_id TEXT,
  host TEXT,
  lease_expires_at TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  started_at TIMESTAMPTZ,
  finished_at TIMESTAMPTZ,
  pid INTEGER,
  pid_start TEXT,
  correlation_id TEXT,
  error_code TEXT,
  error_message TEXT,
  result_json TEXT,
  stdout_chars BIGINT NOT NULL DEFAULT 0,
  stderr_chars BIGINT NOT NULL DEFAULT 0,
  cancel_requested BOOLEAN NOT NULL DEFAULT false,
  CONSTRAINT gateway_jobs_payload_only_queued CHECK (payload IS NULL OR state = 'queued'),
  CONSTRAINT gateway_jobs_running_has_instance CHECK (state <> 'running' OR instance_id IS NOT NULL)
);
CREATE INDEX gateway_jobs_dedup ON gateway_jobs (owner, request_hash, created_at);
CREATE INDEX gateway_jobs_owner ON gateway_jobs (owner, created_at);
CREATE INDEX gateway_jobs_queue ON gateway_jobs (seq) WHERE state = 'queued';
CREATE INDEX gateway_jobs_running ON gateway_jobs (provider, owner) WHERE state = 'running';
CREATE INDEX gateway_jobs_leases ON gateway_jobs (instance_id, lease_expires_at) WHERE state IN ('queued','running');
CREATE TABLE gateway_job_output (
  job_id TEXT NOT NULL REFERENCES gateway_jobs(id) ON DELETE CASCADE,
  stream TEXT NOT NULL CHECK (stream IN ('stdout','stderr')),
  start BIGINT NOT NULL,
  len INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job_id, stream, start)
);
-- The job plane updates its own rows (leases, states); nothing here is append-only.
GRANT SELECT, INSERT, UPDATE, DELETE ON gateway_jobs, gateway_job_output TO ${RUNTIME_ROLE};
GRANT USAGE ON SEQUENCE gateway_jobs_seq_seq TO ${RUNTIME_ROLE};
`,
  },
];
