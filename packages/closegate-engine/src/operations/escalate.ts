import { evaluate } from 'closegate-policy';
import { StateConflictError } from '../errors.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { runOperation } from './runner.js';
import { escalateSchema } from './schemas.js';
import { loadMatch, moveMatch } from './transitions.js';

/** escalate: any actor hands a proposed match to a human for decision (T1). */
export function escalate(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'escalate', escalateSchema, input, (args, actor, now) => {
    const match = loadMatch(ctx, args.matchId);
    if (match.state !== 'proposed') {
      throw new StateConflictError(
        `match ${match.id} is ${match.state}; only a proposed match can be escalated`,
        { matchId: match.id },
      );
    }
    const decision = evaluate('escalate', { matchId: String(match.id) }, actor, ctx.policy);
    if (decision.outcome !== 'allow')
      return denied(ctx, 'escalate', actor, decision, { matchId: match.id }, now);
    const d = decisionJson(decision);
    const escalationId = ctx.store.escalations.add({
      action: 'confirm',
      subjectKind: 'match',
      subjectId: String(match.id),
      requestedBy: actor.raw,
      code: 'MANUAL_ESCALATION',
      clauseText: '',
      clausePointer: '',
      policyVersion: d.policyVersion,
      tier: d.tier,
      requestRationale: args.reason,
      createdAt: now,
    });
    moveMatch(ctx, match, 'pending_approval', null, null, now);
    const auditSeq = audit(
      ctx,
      'MATCH_ESCALATED',
      actor,
      {
        matchId: match.id,
        escalationId,
        action: 'confirm',
        code: 'MANUAL_ESCALATION',
        reason: args.reason,
        policyVersion: d.policyVersion,
      },
      now,
    );
    return {
      operation: 'escalate',
      outcome: 'allow',
      status: 'escalated',
      decision: d,
      matchId: match.id,
      escalationId,
      state: 'pending_approval',
      auditSeq,
    };
  });
}
