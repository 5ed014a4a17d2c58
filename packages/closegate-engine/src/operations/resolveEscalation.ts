import { evaluate, type Actor } from 'closegate-policy';
import type { EscalationRecord } from '../domain.js';
import { NotFoundError, StateConflictError } from '../errors.js';
import { applyPeriodVote } from './closePeriod.js';
import { applyConfirm } from './confirm.js';
import { applyImportVote } from './importHold.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { applyReject } from './reject.js';
import { runOperation } from './runner.js';
import { resolveEscalationSchema } from './schemas.js';
import { loadMatch } from './transitions.js';

/**
 * resolve_escalation (humans only): approve performs the escalated action as
 * the approving human, gate-checked again as that human (so SoD,
 * rationale and T3 dual approval still apply); reject declines it.
 */
export function resolveEscalation(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'resolve_escalation', resolveEscalationSchema, input, (args, actor, now) => {
    const esc = ctx.store.escalations.get(args.escalationId);
    if (esc === undefined) throw new NotFoundError('escalation', args.escalationId);
    if (esc.state !== 'open') {
      throw new StateConflictError(`escalation ${esc.id} is already ${esc.state}`, { escalationId: esc.id });
    }
    const proposedBy =
      esc.subjectKind === 'match' ? loadMatch(ctx, Number(esc.subjectId)).proposedBy : esc.requestedBy;
    const gate = evaluate(
      'resolve_escalation',
      { escalationId: String(esc.id), proposedBy },
      actor,
      ctx.policy,
    );
    if (gate.outcome !== 'allow')
      return denied(ctx, 'resolve_escalation', actor, gate, { escalationId: esc.id }, now);
    const rationale = args.rationale ?? '';
    // Operations run synchronously inside one transaction, so the origin cannot leak to another.
    ctx.origin = args.origin;
    try {
      if (esc.subjectKind === 'period')
        return applyPeriodVote(ctx, actor, esc, args.decision, rationale, now);
      if (esc.subjectKind === 'import')
        return applyImportVote(ctx, actor, esc, args.decision, rationale, now);
      return resolveMatchEscalation(ctx, actor, esc, args.decision, args.rationale, now, args.sessionId);
    } finally {
      ctx.origin = undefined;
    }
  });
}

function resolveMatchEscalation(
  ctx: EngineContext,
  actor: Actor,
  esc: EscalationRecord,
  vote: 'approve' | 'reject',
  rationale: string | undefined,
  now: string,
  sessionId: string | undefined,
): OperationResult {
  const match = loadMatch(ctx, Number(esc.subjectId));
  const wrap = (r: OperationResult): OperationResult => ({
    ...r,
    operation: 'resolve_escalation',
    escalationId: esc.id,
  });
  if (vote === 'approve') {
    return wrap(
      esc.action === 'reject'
        ? applyReject(ctx, actor, match, now, { rationale, sessionId, resolveDecision: 'approve' })
        : applyConfirm(ctx, actor, match, now, {
            rationale,
            escalationId: esc.id,
            sessionId,
            resolveDecision: 'approve',
          }),
    );
  }
  if (esc.action !== 'reject')
    return wrap(applyReject(ctx, actor, match, now, { rationale, sessionId, resolveDecision: 'reject' }));
  // Declining a request to reject: the match stays pending_approval for a human decision.
  const decision = evaluate(
    'resolve_escalation',
    { escalationId: String(esc.id), proposedBy: match.proposedBy },
    actor,
    ctx.policy,
  );
  ctx.store.escalations.resolve(esc.id, 'rejected', actor.raw, rationale ?? '', now);
  const auditSeq = audit(
    ctx,
    'ESCALATION_DECLINED',
    actor,
    { escalationId: esc.id, matchId: match.id, rationale: rationale ?? '' },
    now,
  );
  return {
    operation: 'resolve_escalation',
    outcome: 'allow',
    status: 'declined',
    decision: decisionJson(decision),
    matchId: match.id,
    escalationId: esc.id,
    state: match.state,
    auditSeq,
  };
}
