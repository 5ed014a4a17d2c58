import type { Engine } from '../engine.js';
import type { ToolTier } from './tiers.js';

/** Audit event type of every MCP tool call and resource read, allowed or not. */
export const MCP_TOOL_CALL_EVENT = 'MCP_TOOL_CALL';

/**
 * What the call came to:
 * - allow / require_human_approval / deny: the gate's outcome (reads are `allow`);
 * - replayed: same idempotency key as an earlier call, the first result was returned, nothing written;
 * - rejected_input: the arguments failed the tool's strict schema (or the tool does not exist);
 * - error: the engine refused (not found, state conflict, key reused ...) or failed.
 */
export type ToolCallDecision =
  'allow' | 'require_human_approval' | 'deny' | 'replayed' | 'rejected_input' | 'error';

export interface ToolCallRecord {
  actor: string;
  tool: string;
  tier: ToolTier | 'resource' | 'unknown';
  transport: string;
  decision: ToolCallDecision;
  /** Gate clause code, or the error code for rejected_input / error. */
  code?: string | undefined;
  clauseText?: string | undefined;
  clausePointer?: string | undefined;
  policyVersion?: string | undefined;
  idempotencyKey?: string | undefined;
  /** The seq of the engine's own event for this call's mutation (or of the first call when replayed). */
  operationSeq?: number | undefined;
  /** The JSON-RPC error code the caller got, when the call was refused at the protocol level (-32602). */
  rpcError?: number | undefined;
  /** A short human-readable reason for rejected_input / error. */
  detail?: string | undefined;
}

const MAX_DETAIL = 500;

function compact(record: ToolCallRecord): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined || k === 'actor') continue;
    payload[k] = k === 'detail' && typeof v === 'string' ? v.slice(0, MAX_DETAIL) : v;
  }
  return payload;
}

function toolCallEvent(engine: Engine, record: ToolCallRecord) {
  return {
    type: MCP_TOOL_CALL_EVENT,
    actor: record.actor,
    payload: compact(record),
    ts: engine.context.now().toISOString(),
  };
}

/**
 * Appends one MCP_TOOL_CALL event. Called inside the caller's transaction when
 * there is one (better-sqlite3 nests it as a savepoint), so a mutation and the
 * record of the call that made it commit together.
 */
export function recordToolCall(engine: Engine, record: ToolCallRecord): number {
  const event = toolCallEvent(engine, record);
  return engine.context.store.tx(() => engine.context.store.audit.appendReturningHead(event).seq);
}

/**
 * {@link recordToolCall} for the dispatcher, which always runs it inside a transaction it
 * opened with `store.tx` (that transaction signs the head once, before it commits): the
 * event is appended straight into it, without a savepoint and a second seal of its own.
 * A failure here fails the caller's transaction, handler writes and all.
 */
export function appendToolCallInTransaction(engine: Engine, record: ToolCallRecord): number {
  if (!engine.context.store.db.inTransaction)
    throw new Error('appendToolCallInTransaction needs the transaction of the call it records');
  return engine.context.store.audit.appendReturningHead(toolCallEvent(engine, record)).seq;
}
