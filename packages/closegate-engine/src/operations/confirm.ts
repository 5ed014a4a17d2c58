import type { Actor, Decision } from 'closegate-policy';
import type { MatchRecord } from '../domain.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied, evaluateMatch } from './gate.js';
import { settleEscalation, type EscalationResolution, type SettledVia } from './escalationResolution.js';
import { runOperation } from './runner.js';
import { confirmSchema } from './schemas.js';
import { loadMatch, moveEntries, moveMatch } from './transitions.js';

/**
 * confirm: Allow -> match confirmed, lines matched. RequireHumanApproval ->
 * an escalation carrying the clause, match pending_approval. Deny -> one
 * POLICY_VIOLATION event and nothing else.
 */
export function confirm(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'confirm', confirmSchema, input, (args, actor, now) => {
    const match = loadMatch(ctx, args.matchId);
    return applyConfirm(ctx, actor, match, now, { rationale: args.rationale, sessionId: args.sessionId });
  });
}

/** Options of the confirm core. */
export interface ConfirmOptions {
  rationale?: string | undefined;
  /** The escalation being approved, if any. */
  escalationId?: number | undefined;
  /** The acting transport session. */
  sessionId?: string | undefined;
  /** Set when this confirm is the human's resolve_escalation decision (see escalationResolution.ts). */
  resolveDecision?: 'approve' | 'reject' | undefined;
}

/** Core of confirm (caller holds the transaction). Used by confirm and escalation approval. */
export function applyConfirm(
  ctx: EngineContext,
  actor: Actor,
  match: MatchRecord,
  now: string,
  opts: ConfirmOptions = {},
): OperationResult {
  const { rationale, escalationId } = opts;
  const decision = evaluateMatch(ctx, 'confirm', match, actor, rationale, undefined, opts.sessionId);
  const subject = { matchId: match.id, state: match.state, escalationId };
  if (decision.outcome === 'deny') return denied(ctx, 'confirm', actor, decision, subject, now);
  if (decision.outcome === 'require_human_approval')
    return escalateMatch(ctx, actor, match, decision, 'confirm', rationale ?? '', now);
  moveMatch(ctx, match, 'confirmed', actor.raw, rationale ?? null, now);
  moveEntries(ctx, match.entryIds, 'matched');
  // a match still in 'proposed' has no open escalation (escalating moves it to pending_approval)
  const openEscalation =
    escalationId ??
    (match.state === 'proposed' ? undefined : ctx.store.escalations.openIdFor('match', String(match.id)));
  const resolution =
    openEscalation === undefined
      ? undefined
      : settleEscalation(
          ctx,
          openEscalation,
          'confirm',
          via(opts.resolveDecision),
          actor.raw,
          rationale ?? '',
          now,
        );
  return confirmationRecorded(ctx, actor, match, decision, rationale, openEscalation, now, resolution);
}

/** The MATCH_CONFIRMED event of a match just confirmed, and the caller's result. */
export function confirmationRecorded(
  ctx: EngineContext,
  actor: Actor,
  match: MatchRecord,
  decision: Decision,
  rationale: string | undefined,
  openEscalation: number | undefined,
  now: string,
  resolution?: EscalationResolution,
): OperationResult {
  const auditSeq = audit(
    ctx,
    'MATCH_CONFIRMED',
    actor,
    {
      matchId: match.id,
      entryIds: match.entryIds,
      amountUsd: match.amountUsd,
      rationale: rationale ?? '',
      escalationId: openEscalation ?? null,
      // what the escalation was resolved as (additive: events before it lack the field)
      ...(resolution !== undefined ? { escalationResolution: resolution } : {}),
      decision: decisionJson(decision),
    },
    now,
  );
  const result: OperationResult = {
    operation: 'confirm',
    outcome: 'allow',
    status: 'confirmed',
    decision: decisionJson(decision),
    matchId: match.id,
    state: 'confirmed',
    auditSeq,
  };
  if (openEscalation !== undefined) result.escalationId = openEscalation;
  return result;
}

/** RequireHumanApproval on a match: open an escalation with the clause and park the match. */
export function escalateMatch(
  ctx: EngineContext,
  actor: Actor,
  match: MatchRecord,
  decision: Decision,
  action: 'confirm' | 'reject',
  requestRationale: string,
  now: string,
): OperationResult {
  moveMatch(ctx, match, 'pending_approval', null, null, now);
  return escalationRecorded(ctx, actor, match, decision, action, requestRationale, now);
}

/**
 * The escalation row and its MATCH_ESCALATED event for a match already
 * stored as pending_approval (the recon pass inserts it in that state).
 */
export function escalationRecorded(
  ctx: EngineContext,
  actor: Actor,
  match: MatchRecord,
  decision: Decision,
  action: 'confirm' | 'reject',
  requestRationale: string,
  now: string,
): OperationResult {
  const d = decisionJson(decision);
  const escalationId = ctx.store.escalations.add({
    action,
    subjectKind: 'match',
    subjectId: String(match.id),
    requestedBy: actor.raw,
    code: d.code ?? '',
    clauseText: d.clauseText ?? '',
    clausePointer: d.clausePointer ?? '',
    policyVersion: d.policyVersion,
    tier: d.tier,
    requestRationale,
    createdAt: now,
  });
  const auditSeq = audit(
    ctx,
    'MATCH_ESCALATED',
    actor,
    {
      matchId: match.id,
      escalationId,
      action,
      code: d.code,
      clauseText: d.clauseText,
      clausePointer: d.clausePointer,
      policyVersion: d.policyVersion,
      tier: d.tier,
    },
    now,
  );
  return {
    operation: action,
    outcome: 'require_human_approval',
    status: 'escalated',
    decision: d,
    matchId: match.id,
    escalationId,
    state: 'pending_approval',
    auditSeq,
  };
}

export function via(resolveDecision: 'approve' | 'reject' | undefined): SettledVia {
  return resolveDecision === undefined ? {} : { resolveDecision };
}
