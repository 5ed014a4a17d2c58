import type { Actor } from 'closegate-policy';
import type { EscalationRecord } from '../domain.js';
import type { DecisionOrigin } from '../store/escalations.js';
import type { EngineContext } from './context.js';

/**
 * What the T3 dual-approval rules need about an escalation's approvals: every
 * approving actor (the votes so far, then this one) and the OS account each
 * approval was cast from, where known. The one place a T3 vote's facts are built,
 * so every kind of T3 escalation (period close, held import) gives the gate the
 * same facts and no path can drop a vote's origin.
 */
export interface T3Approvals {
  approvals: string[];
  approvalOsUsers: Record<string, string>;
}

export function t3Approvals(
  esc: EscalationRecord,
  actor: Actor,
  origin: DecisionOrigin | undefined,
): T3Approvals {
  const approving = esc.votes.filter((v) => v.vote === 'approve');
  const approvalOsUsers: Record<string, string> = {};
  for (const v of approving) if (v.osUser !== undefined) approvalOsUsers[v.actor] = v.osUser;
  if (origin !== undefined) approvalOsUsers[actor.raw] = origin.osUser;
  return { approvals: [...approving.map((v) => v.actor), actor.raw], approvalOsUsers };
}

/**
 * Records one vote with the origin of the decision being made (ctx.origin, set by
 * resolve_escalation for the duration of the call): the same origin the gate saw
 * and the audit events of this call record.
 */
export function recordVote(
  ctx: EngineContext,
  esc: EscalationRecord,
  actor: Actor,
  vote: 'approve' | 'reject',
  rationale: string,
  now: string,
): void {
  ctx.store.escalations.addVote(esc.id, actor.raw, vote, rationale, now, ctx.origin);
}
