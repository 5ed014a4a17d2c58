import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import type { JobState } from './states.js';
import type { JobRecord } from './store.js';

/** NOTIFY channel of the job plane: 'queued', 'freed', or 'cancel:<job id>'. */
export const JOBS_CHANNEL = 'llm_gateway_jobs';

/** A `gateway_jobs` row as `COLUMNS` selects it. */
export interface Row {
  id: string;
  owner: string;
  provider: string;
  model: string | null;
  state: JobState;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  correlation_id: string | null;
  error_code: string | null;
  error_message: string | null;
  result_json: string | null;
  stdout_chars: string | number;
  stderr_chars: string | number;
}

export const COLUMNS = `id, owner, provider, model, state, created_at, started_at, finished_at, correlation_id,
  error_code, error_message, result_json, stdout_chars, stderr_chars`;

/**
 * The newest job of an owner with the same request hash inside the window
 * ($1 owner, $2 hash, $3 window in ms), still usable as a deduplicated answer.
 */
export const DUPLICATE_SQL = `SELECT ${COLUMNS} FROM gateway_jobs WHERE kind = 'job' AND owner = $1 AND request_hash = $2
   AND created_at >= clock_timestamp() - $3 * interval '1 millisecond'
   AND state IN ('queued','running','completed') ORDER BY created_at DESC LIMIT 1`;

export function toRecord(r: Row): JobRecord {
  return {
    id: r.id,
    owner: r.owner,
    provider: r.provider,
    model: r.model ?? undefined,
    state: r.state,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString(),
    finishedAt: r.finished_at?.toISOString(),
    correlationId: r.correlation_id ?? undefined,
    error: r.error_code === null ? undefined : { code: r.error_code, message: r.error_message ?? '' },
    result: r.result_json === null ? undefined : (JSON.parse(r.result_json) as RequestResult),
    stdoutChars: Number(r.stdout_chars),
    stderrChars: Number(r.stderr_chars),
  };
}

/** What a queued job needs to run on whichever instance claims it. */
export interface Payload {
  caller: Caller;
  request: GatewayRequest;
}

export interface ClaimedJob {
  id: string;
  kind: 'job' | 'sync';
  /** Present for kind 'job' (read from the row in the same statement that cleared it). */
  payload?: Payload;
}
