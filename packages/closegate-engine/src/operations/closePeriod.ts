import { assertPeriodTransition, evaluate, sameActor, parseActor, type Actor } from 'closegate-policy';
import type { EscalationRecord } from '../domain.js';
import { NotFoundError, StateConflictError } from '../errors.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { runOperation } from './runner.js';
import { closePeriodSchema } from './schemas.js';
import { recordVote, t3Approvals } from './votes.js';

export function periodKey(entity: string, period: string): string {
  return `${entity}|${period}`;
}

/**
 * close_period (T3): the request moves the period to closing and opens an
 * escalation; the period closes only once the gate sees approvals from the
 * required number of distinct humans, none of them the requester.
 */
export function closePeriod(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'close_period', closePeriodSchema, input, (args, actor, now) => {
    const { entity, period } = args;
    if (!ctx.store.entities.entities().some((e) => e.code === entity))
      throw new NotFoundError('entity', entity);
    const pending = ctx.store.escalations.openIdFor('period', periodKey(entity, period));
    if (pending !== undefined) {
      throw new StateConflictError(
        `closing ${entity} ${period} is already awaiting approval in escalation ${pending}`,
        { escalationId: pending },
      );
    }
    const current = ctx.store.periods.get(entity, period);
    const periodState = current.state === 'open' ? 'closing' : current.state;
    const subject = { kind: 'period', entity, period, periodState, requestedBy: actor.raw, approvals: [] };
    const decision = evaluate('close_period', subject, actor, ctx.policy);
    if (decision.outcome === 'deny')
      return denied(ctx, 'close_period', actor, decision, { entity, period }, now);
    if (current.state === 'open') assertPeriodTransition('open', 'closing');
    ctx.store.periods.set({ entity, period, state: 'closing', closedBy: null, closedAt: null });
    const d = decisionJson(decision);
    const escalationId = ctx.store.escalations.add({
      action: 'close_period',
      subjectKind: 'period',
      subjectId: periodKey(entity, period),
      requestedBy: actor.raw,
      code: d.code ?? '',
      clauseText: d.clauseText ?? '',
      clausePointer: d.clausePointer ?? '',
      policyVersion: d.policyVersion,
      tier: d.tier,
      requestRationale: '',
      createdAt: now,
    });
    const auditSeq = audit(
      ctx,
      'PERIOD_CLOSE_REQUESTED',
      actor,
      { entity, period, escalationId, decision: d },
      now,
    );
    return {
      operation: 'close_period',
      outcome: d.outcome,
      status: 'close_requested',
      decision: d,
      escalationId,
      entity,
      period,
      state: 'closing',
      auditSeq,
    };
  });
}

/**
 * One human's vote on a period-close escalation (caller holds the transaction;
 * ctx.origin is where the vote was cast, see t3Approvals).
 */
export function applyPeriodVote(
  ctx: EngineContext,
  actor: Actor,
  esc: EscalationRecord,
  vote: 'approve' | 'reject',
  rationale: string,
  now: string,
): OperationResult {
  const [entity, period] = esc.subjectId.split('|') as [string, string];
  const current = ctx.store.periods.get(entity, period);
  if (esc.votes.some((v) => sameActor(parseActor(v.actor), actor))) {
    throw new StateConflictError(`${actor.raw} has already voted on escalation ${esc.id}`, {
      escalationId: esc.id,
    });
  }
  const base = { operation: 'resolve_escalation', escalationId: esc.id, entity, period };
  if (vote === 'reject') {
    recordVote(ctx, esc, actor, 'reject', rationale, now);
    ctx.store.escalations.resolve(esc.id, 'rejected', actor.raw, rationale, now);
    assertPeriodTransition(current.state, 'open');
    ctx.store.periods.set({ entity, period, state: 'open', closedBy: null, closedAt: null });
    const decision = evaluate(
      'resolve_escalation',
      { escalationId: String(esc.id), proposedBy: esc.requestedBy },
      actor,
      ctx.policy,
    );
    const auditSeq = audit(
      ctx,
      'PERIOD_CLOSE_DECLINED',
      actor,
      { entity, period, escalationId: esc.id, rationale },
      now,
    );
    return {
      ...base,
      outcome: 'allow',
      status: 'declined',
      decision: decisionJson(decision),
      state: 'open',
      auditSeq,
    };
  }
  // with the OS account of each vote: the gate refuses two humans from one account
  const { approvals, approvalOsUsers } = t3Approvals(esc, actor, ctx.origin);
  const subject = {
    kind: 'period',
    entity,
    period,
    periodState: current.state,
    requestedBy: esc.requestedBy,
    approvals,
    approvalOsUsers,
  };
  const decision = evaluate('close_period', subject, actor, ctx.policy);
  if (decision.outcome === 'deny')
    return denied(ctx, 'close_period', actor, decision, { entity, period, escalationId: esc.id }, now);
  recordVote(ctx, esc, actor, 'approve', rationale, now);
  const d = decisionJson(decision);
  if (decision.outcome === 'require_human_approval') {
    const auditSeq = audit(
      ctx,
      'ESCALATION_VOTE_RECORDED',
      actor,
      { escalationId: esc.id, entity, period, vote, approvals, decision: d },
      now,
    );
    return {
      ...base,
      outcome: d.outcome,
      status: 'vote_recorded',
      decision: d,
      state: current.state,
      auditSeq,
    };
  }
  assertPeriodTransition(current.state, 'closed');
  ctx.store.periods.set({ entity, period, state: 'closed', closedBy: actor.raw, closedAt: now });
  ctx.store.escalations.resolve(esc.id, 'approved', actor.raw, rationale, now);
  const auditSeq = audit(
    ctx,
    'PERIOD_CLOSED',
    actor,
    { entity, period, escalationId: esc.id, requestedBy: esc.requestedBy, approvals, decision: d },
    now,
  );
  return { ...base, outcome: 'allow', status: 'closed', decision: d, state: 'closed', auditSeq };
}
