import { assertEntryTransition, assertMatchTransition, evaluate, type Actor } from 'closegate-policy';
import type { Entry, MatchRecord, MatchSource } from '../domain.js';
import { StateConflictError } from '../errors.js';
import { confirmationRecorded, escalationRecorded } from './confirm.js';
import type { EngineContext, OperationResult } from './context.js';
import { denied, evaluateMatch } from './gate.js';
import { proposalRecorded, type ProposalFacts } from './propose.js';

/** What the recon pass gets back: the proposal, and the confirm attempt when the proposal stood. */
export interface AutoMatchResult {
  proposed: OperationResult;
  confirmed?: OperationResult;
}

/**
 * The recon pass's step: `proposer` proposes a match of open lines and
 * `confirmer` at once tries to confirm it. Exactly the gate decisions and
 * audit events of propose followed by confirm (MATCH_PROPOSED, then
 * MATCH_CONFIRMED, MATCH_ESCALATED or POLICY_VIOLATION), but both decisions
 * are taken before anything is written, so the match is inserted in its
 * final state (confirmed, or pending_approval when escalated) and an allowed
 * match's lines are written once, as matched. That halves the row writes of
 * the commonest case on large books.
 *
 * The caller holds the write lock and has checked that every entry is
 * `unmatched` inside it.
 */
export function proposeAndAutoConfirm(
  ctx: EngineContext,
  proposer: Actor,
  confirmer: Actor,
  entries: readonly Entry[],
  facts: ProposalFacts,
  now: string,
): AutoMatchResult {
  const entryIds = entries.map((e) => e.id);
  const proposal = evaluate('propose', { entryIds }, proposer, ctx.policy);
  if (proposal.outcome !== 'allow')
    return { proposed: denied(ctx, 'propose', proposer, proposal, { entryIds }, now) };
  const match = draftMatch(ctx.store.matches.nextId(), proposer, entryIds, facts, now);
  const decision = evaluateMatch(ctx, 'confirm', match, confirmer, undefined, entries);
  const allowed = decision.outcome === 'allow';
  const escalated = decision.outcome === 'require_human_approval';
  const entryState = allowed ? 'matched' : 'proposed';
  for (const e of entries) {
    if (e.state !== 'unmatched')
      throw new StateConflictError(`entry ${e.id} is ${e.state}`, { entryId: e.id });
    assertEntryTransition(e.state, 'proposed');
    if (allowed) assertEntryTransition('proposed', 'matched');
  }
  const matchState = allowed ? 'confirmed' : escalated ? 'pending_approval' : 'proposed';
  if (matchState !== 'proposed') assertMatchTransition('proposed', matchState);
  ctx.store.matches.add(match, now, {
    id: match.id,
    state: matchState,
    decidedBy: allowed ? confirmer.raw : null,
  });
  for (const e of entries) ctx.store.entries.setState(e.id, entryState);
  const proposed = proposalRecorded(ctx, proposer, match.id, entryIds, facts, proposal, now);
  if (allowed)
    return {
      proposed,
      confirmed: confirmationRecorded(ctx, confirmer, match, decision, undefined, undefined, now),
    };
  if (escalated)
    return { proposed, confirmed: escalationRecorded(ctx, confirmer, match, decision, 'confirm', '', now) };
  const subject = { matchId: match.id, state: match.state, escalationId: undefined };
  return { proposed, confirmed: denied(ctx, 'confirm', confirmer, decision, subject, now) };
}

/** The match as a plain proposal would have stored it: what the confirm gate judges. Fields listed, not spread (hot path). */
function draftMatch(
  id: number,
  proposer: Actor,
  entryIds: number[],
  facts: ProposalFacts,
  now: string,
): MatchRecord {
  return {
    id,
    type: facts.type,
    state: 'proposed',
    proposedBy: proposer.raw,
    source: proposer.kind as MatchSource,
    score: facts.score,
    amountUsd: facts.amountUsd,
    fx: facts.fx,
    rationale: facts.rationale,
    intercompany: facts.intercompany,
    runId: facts.runId,
    decidedBy: null,
    decisionRationale: null,
    proposerSession: facts.proposerSession ?? null,
    createdAt: now,
    updatedAt: now,
    entryIds,
  };
}
