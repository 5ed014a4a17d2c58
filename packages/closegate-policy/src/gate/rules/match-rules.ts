import { matchingAccountPattern } from '../../policy/accounts.js';
import type { MatchState } from '../../state/machines.js';
import { isHuman, parseActor, sameActor, type Actor } from '../actor.js';
import { deny, requireHuman } from '../decision.js';
import { hasRationale, isMaterial, varianceOverThreshold } from '../materiality.js';
import type { MatchSubject } from '../subjects.js';
import type { Rule, RuleInput } from './types.js';

/** A match subject with its derived facts computed once. */
export interface MatchFacts extends RuleInput<MatchSubject> {
  proposer: Actor;
  material: boolean;
  sensitiveAccount: string | undefined;
  actorSessionId: string | undefined;
}

export function matchFacts(input: RuleInput<MatchSubject>, actorSessionId: string | undefined): MatchFacts {
  const { subject, policy } = input;
  const patterns = policy.document.always_human_accounts;
  // fields listed, not spread: an object spread here cost more than every rule together
  return {
    subject,
    actor: input.actor,
    policy,
    proposer: parseActor(subject.proposedBy),
    material: isMaterial(subject, policy),
    sensitiveAccount: subject.accountCodes.find(
      (code) => matchingAccountPattern(patterns, code) !== undefined,
    ),
    actorSessionId: subject.actorSessionId ?? actorSessionId,
  };
}

/**
 * States a match can be decided from. A match waiting for human approval can
 * only be decided by a human: the escalation exists because a machine may not.
 */
function decidableStates(actor: Actor): readonly MatchState[] {
  return isHuman(actor) ? ['proposed', 'pending_approval'] : ['proposed'];
}

function stateIsDecidable(action: 'confirm' | 'reject'): Rule<MatchFacts> {
  return ({ subject, actor, policy }) =>
    (decidableStates(actor) as readonly string[]).includes(subject.state)
      ? undefined
      : deny(policy, 'state_invalid', policy.document.tiers[action]);
}

const notTheProposer: Rule<MatchFacts> = ({ subject, actor, proposer, actorSessionId, policy }) => {
  const sameSession = subject.proposerSessionId !== undefined && subject.proposerSessionId === actorSessionId;
  return sameActor(actor, proposer) || sameSession
    ? deny(policy, 'sod_same_actor', policy.document.tiers.confirm)
    : undefined;
};

const noLlmConfirmsLlm: Rule<MatchFacts> = ({ actor, proposer, policy }) =>
  actor.kind === 'llm' && proposer.kind === 'llm'
    ? deny(policy, 'sod_llm_confirms_llm', policy.document.tiers.confirm)
    : undefined;

const sensitiveAccountNeedsHuman: Rule<MatchFacts> = ({ actor, sensitiveAccount, policy }) =>
  !isHuman(actor) && sensitiveAccount !== undefined
    ? requireHuman(policy, 'account_forced_human', 'T2')
    : undefined;

const materialNeedsHuman: Rule<MatchFacts> = ({ actor, material, policy }) =>
  !isHuman(actor) && material ? requireHuman(policy, 'materiality_over_threshold', 'T2') : undefined;

const varianceNeedsHuman: Rule<MatchFacts> = ({ actor, subject, policy }) =>
  !isHuman(actor) && varianceOverThreshold(subject, policy)
    ? requireHuman(policy, 'variance_over_threshold', 'T2')
    : undefined;

const strategyNeedsHuman: Rule<MatchFacts> = ({ actor, subject, policy }) =>
  !isHuman(actor) && policy.document.no_auto_confirm.includes(subject.matchType)
    ? requireHuman(policy, 'strategy_requires_human', 'T2')
    : undefined;

const materialNeedsRationale: Rule<MatchFacts> = ({ subject, material, policy }) =>
  policy.document.rationale_required.confirm_above_materiality &&
  material &&
  !hasRationale(subject.rationale, policy)
    ? deny(policy, 'missing_rationale_confirm', 'T2')
    : undefined;

const engineRejectNeedsRationale: Rule<MatchFacts> = ({ subject, proposer, policy }) =>
  policy.document.rationale_required.reject_engine_proposal &&
  proposer.kind === 'engine' &&
  !hasRationale(subject.rationale, policy)
    ? deny(policy, 'missing_rationale_reject', policy.document.tiers.reject)
    : undefined;

/** Confirm rules, in the order of the README decision table. First block wins. */
export const CONFIRM_RULES: readonly Rule<MatchFacts>[] = Object.freeze([
  stateIsDecidable('confirm'),
  notTheProposer,
  noLlmConfirmsLlm,
  sensitiveAccountNeedsHuman,
  materialNeedsHuman,
  varianceNeedsHuman,
  strategyNeedsHuman,
  materialNeedsRationale,
]);

/** Reject rules, in the order of the README decision table. First block wins. */
export const REJECT_RULES: readonly Rule<MatchFacts>[] = Object.freeze([
  stateIsDecidable('reject'),
  sensitiveAccountNeedsHuman,
  engineRejectNeedsRationale,
]);
