import type { RequestRow } from './schema.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A flight-recorder row in the shape of a request result, so
 * `llm_request_result` answers the same way from memory or from the log.
 * Prompt and response are as stored: redacted.
 */
export function rowToResult(row: RequestRow): Record<string, unknown> {
  const usage = Object.fromEntries(
    (
      [
        ['inputTokens', num(row.input_tokens)],
        ['outputTokens', num(row.output_tokens)],
        ['cacheReadTokens', num(row.cache_read_tokens)],
        ['cacheCreationTokens', num(row.cache_creation_tokens)],
      ] as const
    ).filter(([, v]) => v !== undefined),
  );
  return {
    correlationId: row.correlation_id,
    cli: row.cli,
    status: row.status,
    ok: row.status === 'completed',
    reply: text(row.response) ?? '',
    model: text(row.model),
    sessionId: text(row.session_id),
    providerSessionId: text(row.provider_session_id),
    usage: Object.keys(usage).length > 0 ? usage : undefined,
    costUsd: text(row.cost_usd),
    exitCode: num(row.exit_code) ?? null,
    durationMs: num(row.duration_ms),
    permissionLevel: text(row.permission_level),
    startedAt: row.started_at,
    completedAt: text(row.completed_at),
    error: row.error_code === null ? undefined : { code: row.error_code, message: text(row.error) ?? '' },
  };
}
