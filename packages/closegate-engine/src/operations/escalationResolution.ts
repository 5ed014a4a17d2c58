import type { EngineContext } from './context.js';

/** How an escalation ended, as recorded in escalations.state. */
export type EscalationResolution = 'approved' | 'rejected' | 'superseded';

/** How the action that settles an escalation's subject came about. */
export interface SettledVia {
  /** The escalation's resolve_escalation call, with the human's decision; absent for a direct confirm/reject. */
  resolveDecision?: 'approve' | 'reject';
}

/**
 * The decision actually taken on an escalation, never `approved` for an
 * action that was not the one requested:
 * - the requested action was performed (approved through resolve_escalation,
 *   or a human performed that very action directly) -> approved;
 * - resolve_escalation declined it -> rejected;
 * - a human settled the subject with another action (e.g. an llm's reject was
 *   escalated and a human confirmed the match instead) -> superseded.
 */
export function resolutionFor(
  requested: string,
  performed: 'confirm' | 'reject',
  via: SettledVia,
): EscalationResolution {
  if (via.resolveDecision === 'reject') return 'rejected';
  if (requested === performed) return 'approved';
  return 'superseded';
}

/** Resolves an open escalation as {@link resolutionFor} says; returns the state recorded. */
export function settleEscalation(
  ctx: EngineContext,
  escalationId: number,
  performed: 'confirm' | 'reject',
  via: SettledVia,
  actor: string,
  rationale: string,
  now: string,
): EscalationResolution {
  const requested = ctx.store.escalations.get(escalationId)?.action ?? performed;
  const state = resolutionFor(requested, performed, via);
  ctx.store.escalations.resolve(escalationId, state, actor, rationale, now);
  return state;
}
