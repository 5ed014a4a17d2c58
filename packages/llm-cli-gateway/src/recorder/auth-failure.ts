import { randomUUID } from 'node:crypto';
import type { AuthFailureEvent } from 'mcp-host';
import type { Recorder } from './api.js';
import { recordOneShot } from './one-shot.js';

/** Owner of auth-failure rows: nobody authenticated, so no caller can read them via its own queries. */
export const UNAUTHENTICATED_OWNER = 'http:(unauthenticated)';
export const AUTH_FAILED_CODE = 'AUTH_FAILED';

/**
 * One flight-recorder row (chained like every other) per refused HTTP authentication:
 * source address, what was refused and why, the back-off imposed. Never the presented
 * credential: mcp-host does not hand it over. mcp-host's per-address back-off bounds the
 * rows one address can cause.
 */
export function recordAuthFailure(recorder: Recorder, event: AuthFailureEvent): void {
  const correlationId = randomUUID();
  recordOneShot(
    recorder,
    { correlationId, owner: UNAUTHENTICATED_OWNER, transport: 'http', cli: 'auth', prompt: '' },
    {
      status: 'failed',
      durationMs: 0,
      exitCode: null,
      errorCode: AUTH_FAILED_CODE,
      error:
        `${event.status} ${event.method} ${event.path} from ${event.remoteAddress}: ${event.reason}` +
        ` (failure ${event.failures}, retry after ${event.retryAfterSeconds} s` +
        `${event.credentialPresented ? ', credential presented' : ', no credential'})`,
    },
  );
}
