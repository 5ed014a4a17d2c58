import { evaluate, type Actor, type Decision } from 'closegate-policy';
import type { Entry, FxRecord, MatchSource, MatchType } from '../domain.js';
import { InvalidInputError, NotFoundError, StateConflictError } from '../errors.js';
import { classifyManualMatch } from '../matcher/classify.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { runOperation } from './runner.js';
import { proposeSchema } from './schemas.js';
import { moveEntries } from './transitions.js';

/** Everything a new match row carries besides its lines and proposer. */
export interface ProposalFacts {
  type: MatchType;
  score: string;
  amountUsd: string;
  fx: FxRecord[];
  rationale: string;
  intercompany: boolean;
  runId: number | null;
  proposerSession?: string | null;
}

/** Lines a proposal may take: existing, open (unmatched or exception), in no live match. */
export function loadOpenEntries(ctx: EngineContext, entryIds: readonly number[]): Entry[] {
  if (new Set(entryIds).size !== entryIds.length)
    throw new InvalidInputError('entryIds: an entry appears twice');
  return [...entryIds]
    .sort((a, b) => a - b)
    .map((id) => {
      const e = ctx.store.entries.get(id);
      if (e === undefined) throw new NotFoundError('entry', id);
      if (e.state !== 'unmatched' && e.state !== 'exception') {
        throw new StateConflictError(
          `entry ${id} is ${e.state}; only unmatched or exception entries can be proposed`,
          { entryId: id },
        );
      }
      const live = ctx.store.matches.liveMatchOf(id);
      if (live !== undefined)
        throw new StateConflictError(`entry ${id} already belongs to match ${live}`, {
          entryId: id,
          matchId: live,
        });
      return e;
    });
}

/**
 * Core of a proposal (caller holds the transaction): gate 'propose', insert
 * the match and its lines, move the entries to proposed, one audit event.
 */
export function applyProposal(
  ctx: EngineContext,
  actor: Actor,
  entries: Entry[],
  facts: ProposalFacts,
  now: string,
): OperationResult {
  const entryIds = entries.map((e) => e.id);
  const decision = evaluate('propose', { entryIds }, actor, ctx.policy);
  if (decision.outcome !== 'allow') return denied(ctx, 'propose', actor, decision, { entryIds }, now);
  const matchId = ctx.store.matches.add(
    { ...facts, proposedBy: actor.raw, source: actor.kind as MatchSource, entryIds },
    now,
  );
  for (const e of entries) if (e.state === 'exception') ctx.store.exceptions.resolveFor(e.id);
  moveEntries(ctx, entryIds, 'proposed', entries);
  return proposalRecorded(ctx, actor, matchId, entryIds, facts, decision, now);
}

/** The MATCH_PROPOSED event of a match just written, and the caller's result. */
export function proposalRecorded(
  ctx: EngineContext,
  actor: Actor,
  matchId: number,
  entryIds: number[],
  facts: ProposalFacts,
  decision: Decision,
  now: string,
): OperationResult {
  const auditSeq = audit(
    ctx,
    'MATCH_PROPOSED',
    actor,
    {
      matchId,
      entryIds,
      type: facts.type,
      score: facts.score,
      amountUsd: facts.amountUsd,
      fx: facts.fx,
      intercompany: facts.intercompany,
      rationale: facts.rationale,
      runId: facts.runId,
      policyVersion: decision.policyVersion,
    },
    now,
  );
  return {
    operation: 'propose',
    outcome: 'allow',
    status: 'proposed',
    decision: decisionJson(decision),
    matchId,
    entryIds,
    state: 'proposed',
    auditSeq,
  };
}

/** propose: an llm, human or engine proposes a match of the given lines. The engine classifies it. */
export function propose(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'propose', proposeSchema, input, (args, actor, now) => {
    const entries = loadOpenEntries(ctx, args.entryIds);
    const hasGl = entries.some((e) => e.source === 'gl');
    const hasOther = entries.some((e) => e.source !== 'gl');
    const entities = new Set(entries.map((e) => e.entity)).size;
    if (!(hasGl && hasOther) && entities < 2) {
      throw new InvalidInputError(
        'a match pairs GL lines with sub-ledger or bank lines, or GL lines of two entities',
      );
    }
    const facts = classifyManualMatch(entries, ctx.fx);
    const rationale = args.rationale ?? '';
    const why =
      facts.differenceUsd === '0.00'
        ? rationale
        : `${rationale}${rationale ? '; ' : ''}difference ${facts.differenceUsd} USD`;
    return applyProposal(
      ctx,
      actor,
      entries,
      { ...facts, score: '0.0000', rationale: why, runId: null, proposerSession: args.sessionId ?? null },
      now,
    );
  });
}
