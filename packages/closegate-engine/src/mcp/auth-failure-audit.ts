import type { AuthFailureEvent } from 'mcp-host';
import type { Engine } from '../engine.js';

/** Audit event type of a refused HTTP authentication (bad/expired token, unknown service ...). */
export const MCP_AUTH_FAILURE_EVENT = 'MCP_AUTH_FAILURE';
/** Nobody authenticated, so the server itself is the recording actor. */
export const MCP_HTTP_ACTOR = 'engine:mcp-http';

/**
 * Appends one MCP_AUTH_FAILURE event: who tried (source address), what was refused and
 * why. The presented credential is never part of the event (mcp-host does not hand it
 * over). The host's per-address back-off bounds how many events one address can cause.
 */
export function recordAuthFailure(engine: Engine, event: AuthFailureEvent): number {
  const audit = {
    type: MCP_AUTH_FAILURE_EVENT,
    actor: MCP_HTTP_ACTOR,
    payload: {
      remoteAddress: event.remoteAddress,
      method: event.method,
      path: event.path,
      status: event.status,
      reason: event.reason,
      failures: event.failures,
      retryAfterSeconds: event.retryAfterSeconds,
      credentialPresented: event.credentialPresented,
    },
    ts: event.at.toISOString(),
  };
  return engine.context.store.tx(() => engine.context.store.audit.appendReturningHead(audit).seq);
}
