import type { ClauseRef, DecisionResult } from './contract.js';
import { ApiHttpError } from './errors.js';
import type { EngineReply } from '../server/engine.js';

interface EngineErrorBody {
  error?: { code?: unknown; message?: unknown };
}

function mapEngineError(body: EngineErrorBody): ApiHttpError {
  const code = typeof body.error?.code === 'string' ? body.error.code : 'ENGINE_ERROR';
  const message =
    typeof body.error?.message === 'string' ? body.error.message : 'the engine refused the request';
  switch (code) {
    case 'NOT_FOUND':
      return new ApiHttpError('NOT_FOUND', message);
    case 'INVALID_INPUT':
      return new ApiHttpError('INVALID_REQUEST', message);
    case 'STATE_CONFLICT':
    case 'IDEMPOTENCY_CONFLICT':
      return new ApiHttpError('CONFLICT', message);
    default:
      return new ApiHttpError('ENGINE_ERROR', `${code}: ${message}`);
  }
}

/** The JSON of a read tool, or its refusal as a typed API error. */
export function dataOf<T>(reply: EngineReply): T {
  if (reply.isError) throw mapEngineError(reply.body as EngineErrorBody);
  return reply.body as T;
}

/**
 * A state-changing tool's result: a gate Deny becomes GATE_DENIED with the clause
 * (so the desk can say why), an escalation or allow a DecisionResult.
 */
export function decisionOf(reply: EngineReply, actor: string): DecisionResult {
  const body = reply.body as Record<string, unknown> & { clause?: ClauseRef };
  if (reply.isError) {
    if (body.outcome === 'deny' && body.clause !== undefined) {
      throw new ApiHttpError('GATE_DENIED', `the policy gate denied this for ${actor}: ${body.clause.code}`, {
        clause: body.clause,
      });
    }
    throw mapEngineError(body as EngineErrorBody);
  }
  const out: DecisionResult = {
    status: String(body.status),
    outcome: body.outcome as DecisionResult['outcome'],
    auditSeq: Number(body.auditSeq),
    actor,
  };
  if (typeof body.matchId === 'number') out.matchId = body.matchId;
  if (typeof body.escalationId === 'number') out.escalationId = body.escalationId;
  if (typeof body.entryId === 'number') out.entryId = body.entryId;
  if (typeof body.exceptionId === 'number') out.exceptionId = body.exceptionId;
  if (body.clause !== undefined) out.clause = body.clause;
  return out;
}
