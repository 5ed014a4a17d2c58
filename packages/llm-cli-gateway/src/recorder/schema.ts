/** The flight recorder's columns, in order. Exported so the query snapshot mirrors them exactly. */
export const REQUEST_COLUMNS = [
  ['correlation_id', 'TEXT PRIMARY KEY'],
  ['owner', 'TEXT NOT NULL'],
  ['transport', 'TEXT NOT NULL'],
  ['cli', 'TEXT NOT NULL'],
  ['model', 'TEXT'],
  ['session_id', 'TEXT'],
  ['provider_session_id', 'TEXT'],
  ['permission_level', 'TEXT'],
  ['binary_path', 'TEXT'],
  ['prompt', 'TEXT NOT NULL'],
  ['prompt_sha256', 'TEXT NOT NULL'],
  ['status', "TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed'))"],
  ['started_at', 'TEXT NOT NULL'],
  ['completed_at', 'TEXT'],
  ['duration_ms', 'INTEGER'],
  ['exit_code', 'INTEGER'],
  ['response', 'TEXT'],
  ['error', 'TEXT'],
  ['error_code', 'TEXT'],
  ['input_tokens', 'INTEGER'],
  ['output_tokens', 'INTEGER'],
  ['cache_read_tokens', 'INTEGER'],
  ['cache_creation_tokens', 'INTEGER'],
  ['cost_usd', 'TEXT'],
] as const;

export type RequestColumn = (typeof REQUEST_COLUMNS)[number][0];
export type RequestRow = Record<RequestColumn, string | number | null>;

export const START_COLUMNS = [
  'correlation_id',
  'owner',
  'transport',
  'cli',
  'model',
  'session_id',
  'permission_level',
  'binary_path',
  'prompt',
  'prompt_sha256',
  'started_at',
] as const satisfies readonly RequestColumn[];

export const COMPLETION_COLUMNS = [
  'provider_session_id',
  'status',
  'completed_at',
  'duration_ms',
  'exit_code',
  'response',
  'error',
  'error_code',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_usd',
] as const satisfies readonly RequestColumn[];

export function createTableSql(name = 'requests'): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (${REQUEST_COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')})`;
}

export const RECORDER_SCHEMA = `
${createTableSql()};
CREATE INDEX IF NOT EXISTS requests_owner_started ON requests (owner, started_at);
CREATE TRIGGER IF NOT EXISTS requests_no_delete BEFORE DELETE ON requests
  BEGIN SELECT RAISE(ABORT, 'flight recorder rows are append-only'); END;
CREATE TRIGGER IF NOT EXISTS requests_complete_once BEFORE UPDATE ON requests WHEN OLD.status <> 'running'
  BEGIN SELECT RAISE(ABORT, 'a completed flight recorder row cannot change'); END;
`;

export const CHAIN_TABLE = 'request_chain';
