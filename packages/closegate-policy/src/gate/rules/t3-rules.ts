import { PERIOD_STATES } from '../../state/machines.js';
import type { Policy } from '../../policy/load.js';
import { isHuman, parseActor, sameActor, type Actor } from '../actor.js';
import { deny, requireHuman, type BlockingDecision } from '../decision.js';
import { firstBlocking, type Rule } from './types.js';

/** Facts of a T3 (irreversible) action: who asked and who approved. */
export interface T3Facts {
  policy: Policy;
  requester: Actor;
  approvers: readonly Actor[];
  /** OS account per approving actor (raw id), where the vote's origin is known. */
  osUsers: Readonly<Record<string, string>>;
}

export function t3Facts(
  policy: Policy,
  requestedBy: string,
  approvals: readonly string[],
  osUsers: Readonly<Record<string, string>> = {},
): T3Facts {
  return {
    policy,
    requester: parseActor(requestedBy),
    approvers: approvals.map((raw) => parseActor(raw)),
    osUsers,
  };
}

/** Distinct principals among `actors` (case-insensitive ids, see sameActor). */
export function distinctActors(actors: readonly Actor[]): Actor[] {
  return actors.filter((actor, index) => actors.findIndex((other) => sameActor(actor, other)) === index);
}

const approversAreHuman: Rule<T3Facts> = ({ approvers, policy }) =>
  approvers.every(isHuman) ? undefined : deny(policy, 't3_approver_not_human', 'T3');

const requesterDidNotApprove: Rule<T3Facts> = ({ approvers, requester, policy }) =>
  approvers.some((approver) => sameActor(approver, requester))
    ? deny(policy, 't3_requester_approval', 'T3')
    : undefined;

/**
 * Two distinct actor ids typed at one OS account are most likely one person: refused
 * unless the policy allows shared workstations. Votes of unknown origin are not compared.
 */
const approversOnDistinctAccounts: Rule<T3Facts> = ({ approvers, osUsers, policy }) => {
  if (policy.document.t3_dual_approval.allow_shared_workstation) return undefined;
  const seen = new Map<string, Actor>();
  for (const approver of distinctActors(approvers)) {
    const osUser = osUsers[approver.raw];
    if (osUser === undefined) continue;
    const key = osUser.toLowerCase();
    const other = seen.get(key);
    if (other !== undefined && !sameActor(other, approver))
      return deny(policy, 't3_shared_workstation', 'T3');
    seen.set(key, approver);
  }
  return undefined;
};

/** Distinct human approvals a T3 action needs: the threshold of enoughDistinctHumans. */
export function t3RequiredApprovals(policy: Policy): number {
  return policy.document.t3_dual_approval.required_approvals;
}

/**
 * Actions whose escalation is decided by the T3 rules above: a period close,
 * and a post_entry (it only escalates when it posts into a closed period).
 */
const T3_ESCALATED_ACTIONS: readonly string[] = Object.freeze(['close_period', 'post_entry']);

/**
 * Approvals an escalation of `action` needs before the gate lets the action
 * through, so a view of the escalation says what the gate will count. A
 * close_period or post_entry escalation counts distinct approving humans
 * against t3RequiredApprovals; any other escalation (a match's confirm or
 * reject, whatever its tier) is decided by one human's resolve_escalation.
 */
export function escalationApprovalsRequired(action: string, policy: Policy): number {
  return T3_ESCALATED_ACTIONS.includes(action) ? t3RequiredApprovals(policy) : 1;
}

const enoughDistinctHumans: Rule<T3Facts> = ({ approvers, policy }) =>
  distinctActors(approvers).length >= t3RequiredApprovals(policy)
    ? undefined
    : requireHuman(policy, 't3_dual_approval_required', 'T3');

/** T3 approval rules, in the order of the README decision table. First block wins. */
export const T3_APPROVAL_RULES: readonly Rule<T3Facts>[] = Object.freeze([
  approversAreHuman,
  requesterDidNotApprove,
  approversOnDistinctAccounts,
  enoughDistinctHumans,
]);

export function checkT3Approvals(facts: T3Facts): BlockingDecision | undefined {
  return firstBlocking(T3_APPROVAL_RULES, facts);
}

export function isPeriodState(state: string): boolean {
  return (PERIOD_STATES as readonly string[]).includes(state);
}
