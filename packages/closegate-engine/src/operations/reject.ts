import type { Actor } from 'closegate-policy';
import type { MatchRecord } from '../domain.js';
import { escalateMatch, via } from './confirm.js';
import { settleEscalation } from './escalationResolution.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied, evaluateMatch } from './gate.js';
import { runOperation } from './runner.js';
import { rejectSchema } from './schemas.js';
import { loadMatch, moveEntries, moveMatch } from './transitions.js';

/** reject: Allow -> match rejected, its lines unmatched again. Sensitive accounts need a human. */
export function reject(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'reject', rejectSchema, input, (args, actor, now) =>
    applyReject(ctx, actor, loadMatch(ctx, args.matchId), now, {
      rationale: args.rationale,
      sessionId: args.sessionId,
    }),
  );
}

/** Core of reject (caller holds the transaction). */
export function applyReject(
  ctx: EngineContext,
  actor: Actor,
  match: MatchRecord,
  now: string,
  opts: {
    rationale?: string | undefined;
    sessionId?: string | undefined;
    /** Set when this reject is the human's resolve_escalation decision. */
    resolveDecision?: 'approve' | 'reject' | undefined;
  } = {},
): OperationResult {
  const { rationale } = opts;
  const decision = evaluateMatch(ctx, 'reject', match, actor, rationale, undefined, opts.sessionId);
  if (decision.outcome === 'deny')
    return denied(ctx, 'reject', actor, decision, { matchId: match.id, state: match.state }, now);
  if (decision.outcome === 'require_human_approval')
    return escalateMatch(ctx, actor, match, decision, 'reject', rationale ?? '', now);
  moveMatch(ctx, match, 'rejected', actor.raw, rationale ?? null, now);
  moveEntries(ctx, match.entryIds, 'unmatched');
  const openEscalation = ctx.store.escalations.openIdFor('match', String(match.id));
  const resolution =
    openEscalation === undefined
      ? undefined
      : settleEscalation(
          ctx,
          openEscalation,
          'reject',
          via(opts.resolveDecision),
          actor.raw,
          rationale ?? '',
          now,
        );
  const auditSeq = audit(
    ctx,
    'MATCH_REJECTED',
    actor,
    {
      matchId: match.id,
      entryIds: match.entryIds,
      rationale: rationale ?? '',
      escalationId: openEscalation ?? null,
      ...(resolution !== undefined ? { escalationResolution: resolution } : {}),
      decision: decisionJson(decision),
    },
    now,
  );
  const result: OperationResult = {
    operation: 'reject',
    outcome: 'allow',
    status: 'rejected',
    decision: decisionJson(decision),
    matchId: match.id,
    state: 'rejected',
    auditSeq,
  };
  if (openEscalation !== undefined) result.escalationId = openEscalation;
  return result;
}
