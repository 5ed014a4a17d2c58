import type { CompletionRecord, StartRecord } from './recorder.js';
import { sha256Hex } from './digest.js';
import type { COMPLETION_COLUMNS, RequestRow, START_COLUMNS } from './schema.js';

export type StartRow = Pick<RequestRow, (typeof START_COLUMNS)[number] | 'status'>;
export type CompletionRow = Pick<RequestRow, (typeof COMPLETION_COLUMNS)[number]> & {
  correlation_id: string;
};

/** The start row exactly as both stores write and chain it (`redact` runs before anything is stored). */
export function startRow(rec: StartRecord, redact: (text: string | undefined) => string | null): StartRow {
  return {
    correlation_id: rec.correlationId,
    owner: rec.owner,
    transport: rec.transport,
    cli: rec.cli,
    model: rec.model ?? null,
    session_id: rec.sessionId ?? null,
    permission_level: rec.permissionLevel ?? null,
    binary_path: rec.binaryPath ?? null,
    prompt: redact(rec.prompt) ?? '',
    prompt_sha256: sha256Hex(rec.prompt),
    status: 'running',
    started_at: new Date().toISOString(),
  };
}

/** The completion fields exactly as both stores write and chain them. */
export function completionRow(
  correlationId: string,
  rec: CompletionRecord,
  redact: (text: string | undefined) => string | null,
): CompletionRow {
  return {
    correlation_id: correlationId,
    provider_session_id: rec.providerSessionId ?? null,
    status: rec.status,
    completed_at: new Date().toISOString(),
    duration_ms: Math.round(rec.durationMs),
    exit_code: rec.exitCode,
    response: redact(rec.response),
    error: redact(rec.error),
    error_code: rec.errorCode ?? null,
    input_tokens: rec.usage?.inputTokens ?? null,
    output_tokens: rec.usage?.outputTokens ?? null,
    cache_read_tokens: rec.usage?.cacheReadTokens ?? null,
    cache_creation_tokens: rec.usage?.cacheCreationTokens ?? null,
    cost_usd: rec.costUsd ?? null,
  };
}
