import type Database from 'better-sqlite3';

const SCHEMA_VERSION = 1;

/**
 * Jobs hold no prompt: only the request's hash (for dedup), its provider and
 * model. Output is stored as ordered chunks per stream with their character
 * offset, so a page can be read without loading the whole output.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT,
  state TEXT NOT NULL CHECK (state IN ('queued','running','completed','failed','canceled','orphaned')),
  request_hash TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  lease_expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  pid INTEGER,
  pid_start TEXT,
  correlation_id TEXT,
  error_code TEXT,
  error_message TEXT,
  result_json TEXT,
  stdout_chars INTEGER NOT NULL DEFAULT 0,
  stderr_chars INTEGER NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_dedup ON jobs (owner, request_hash, created_at);
CREATE INDEX IF NOT EXISTS jobs_active ON jobs (state, lease_expires_at);
CREATE TABLE IF NOT EXISTS job_output (
  job_id TEXT NOT NULL REFERENCES jobs(id),
  stream TEXT NOT NULL CHECK (stream IN ('stdout','stderr')),
  start INTEGER NOT NULL,
  len INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (job_id, stream, start)
);
`;

export function ensureJobSchema(db: Database.Database): void {
  db.exec(DDL);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  else if (version > SCHEMA_VERSION) {
    throw new Error(
      `job store schema version ${version} is newer than this gateway supports (${SCHEMA_VERSION})`,
    );
  }
}
