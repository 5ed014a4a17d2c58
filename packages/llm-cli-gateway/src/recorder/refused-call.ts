import { randomUUID } from 'node:crypto';
import type { RefusedCall } from 'mcp-host';
import type { Recorder } from './api.js';
import { recordOneShot } from './one-shot.js';
import { UNAUTHENTICATED_OWNER } from './auth-failure.js';

/** `cli` of a refused-call row: no provider CLI was involved. */
export const REFUSED_CALL_CLI = 'mcp';

/**
 * One flight-recorder row (chained like every other) per tools/call that mcp-host refused
 * with a JSON-RPC error before a tool handler ran: unknown tool, arguments that are not an
 * object or fail the tool's schema. Owned by the caller, so its own recorder queries show
 * it. The arguments are not stored (they may be large or hold a prompt). A refused
 * tools/list is not a request to a provider and is not recorded.
 */
export function recordRefusedCall(recorder: Recorder, event: RefusedCall): void {
  if (event.method !== 'tools/call') return;
  const correlationId = randomUUID();
  const owner = event.principal?.id ?? UNAUTHENTICATED_OWNER;
  const transport = event.principal?.transport ?? 'unknown';
  recordOneShot(
    recorder,
    { correlationId, owner, transport, cli: REFUSED_CALL_CLI, prompt: '' },
    {
      status: 'failed',
      durationMs: 0,
      exitCode: null,
      errorCode: event.reason,
      error: `JSON-RPC ${event.code} for tools/call ${event.tool || '(no name)'}: ${event.message}`,
    },
  );
}
