import { GateInputError } from '../errors.js';
import type { Policy } from '../policy/load.js';
import { ACTIONS, type Action, type Tier } from '../policy/rules.js';
import { isHuman, parseActor, sameActor, type Actor } from './actor.js';
import { allow, deny, maxTier, type Decision } from './decision.js';
import { CONFIRM_RULES, REJECT_RULES, matchFacts } from './rules/match-rules.js';
import { checkT3Approvals, isPeriodState, t3Facts } from './rules/t3-rules.js';
import { firstBlocking } from './rules/types.js';
import {
  escalationSubjectSchema,
  parseMatchSubject,
  parseSubject,
  periodSubjectSchema,
  postingSubjectSchema,
} from './subjects.js';

/** Facts about the call that are not part of the subject. */
export interface GateContext {
  /** Session of the acting client; a confirm from the proposer's session is denied. */
  actorSessionId?: string;
}

type Evaluator = (subject: unknown, actor: Actor, policy: Policy, context: GateContext) => Decision;

function evaluateConfirm(subject: unknown, actor: Actor, policy: Policy, context: GateContext): Decision {
  const facts = matchFacts(
    { subject: parseMatchSubject(subject, 'confirm'), actor, policy },
    context.actorSessionId,
  );
  const blocked = firstBlocking(CONFIRM_RULES, facts);
  if (blocked) return blocked;
  // A human confirming something material or sensitive is a T2 act even when allowed.
  const escalated: Tier = facts.material || facts.sensitiveAccount !== undefined ? 'T2' : 'T0';
  return allow(policy, maxTier(policy.document.tiers.confirm, escalated));
}

function evaluateReject(subject: unknown, actor: Actor, policy: Policy, context: GateContext): Decision {
  const facts = matchFacts(
    { subject: parseMatchSubject(subject, 'reject'), actor, policy },
    context.actorSessionId,
  );
  return firstBlocking(REJECT_RULES, facts) ?? allow(policy, policy.document.tiers.reject);
}

function evaluateResolveEscalation(subject: unknown, actor: Actor, policy: Policy): Decision {
  const escalation = parseSubject(escalationSubjectSchema, subject ?? {}, 'resolve_escalation');
  const tier = policy.document.tiers.resolve_escalation;
  if (!isHuman(actor)) return deny(policy, 'escalation_requires_human', tier);
  if (escalation.proposedBy !== undefined && sameActor(actor, parseActor(escalation.proposedBy))) {
    return deny(policy, 'sod_same_actor', tier);
  }
  return allow(policy, tier);
}

/** Closing an exception is a reviewer's judgement: only a human may make it (no subject to inspect). */
function evaluateResolveException(_subject: unknown, actor: Actor, policy: Policy): Decision {
  const tier = policy.document.tiers.resolve_exception;
  if (!isHuman(actor)) return deny(policy, 'exception_resolution_requires_human', tier);
  return allow(policy, tier);
}

function evaluateClosePeriod(subject: unknown, _actor: Actor, policy: Policy): Decision {
  const period = parseSubject(periodSubjectSchema, subject, 'close_period');
  if (period.periodState !== 'closing') return deny(policy, 'state_invalid', 'T3');
  const facts = t3Facts(policy, period.requestedBy, period.approvals, period.approvalOsUsers);
  return checkT3Approvals(facts) ?? allow(policy, 'T3');
}

function evaluatePostEntry(subject: unknown, actor: Actor, policy: Policy): Decision {
  const posting = parseSubject(postingSubjectSchema, subject, 'post_entry');
  if (!isPeriodState(posting.periodState))
    return deny(policy, 'state_invalid', policy.document.tiers.post_entry);
  if (posting.periodState !== 'closed') return allow(policy, policy.document.tiers.post_entry);
  if (policy.document.closed_period_posting === 'deny') return deny(policy, 'period_closed', 'T3');
  const facts = t3Facts(
    policy,
    posting.requestedBy ?? actor.raw,
    posting.approvals ?? [],
    posting.approvalOsUsers,
  );
  return checkT3Approvals(facts) ?? allow(policy, 'T3');
}

/** Actions that change nothing irreversible and need no subject checks. */
function allowAtPolicyTier(action: 'propose' | 'flag_exception' | 'escalate'): Evaluator {
  return (_subject, _actor, policy) => allow(policy, policy.document.tiers[action]);
}

const EVALUATORS: Readonly<Record<Action, Evaluator>> = Object.freeze({
  propose: allowAtPolicyTier('propose'),
  confirm: evaluateConfirm,
  reject: evaluateReject,
  flag_exception: allowAtPolicyTier('flag_exception'),
  resolve_exception: evaluateResolveException,
  escalate: allowAtPolicyTier('escalate'),
  resolve_escalation: evaluateResolveEscalation,
  close_period: evaluateClosePeriod,
  post_entry: evaluatePostEntry,
});

/**
 * The policy gate. Pure and deterministic: same inputs, same decision.
 * `actor` is the transport-bound identity ('human:alice' or a parsed Actor,
 * which is re-parsed from its `raw` string so a hand-built object cannot lie
 * about its kind). Throws GateInputError for an unknown action or a subject
 * that does not validate, ActorError for a malformed actor; both mean "do
 * nothing". Rule order: see the decision table in the package README.
 */
export function evaluate(
  action: Action,
  subject: unknown,
  actor: string | Actor,
  policy: Policy,
  context: GateContext = {},
): Decision {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new GateInputError(
      'GATE_UNKNOWN_ACTION',
      `unknown action ${JSON.stringify(action)}; expected one of ${ACTIONS.join(', ')}`,
    );
  }
  const parsedActor = parseActor(typeof actor === 'string' ? actor : actor?.raw);
  return EVALUATORS[action](subject, parsedActor, policy, context);
}
