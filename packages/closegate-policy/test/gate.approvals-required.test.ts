import { describe, expect, it } from 'vitest';
import { escalationApprovalsRequired, evaluate, loadPolicy, type Policy } from '../src/index.js';
import { examplePolicy, policyTextWith } from './helpers.js';

/**
 * escalationApprovalsRequired is what views of an escalation show as the votes
 * needed; these tests hold it to what the gate actually counts, per policy.
 */

const policyWith = (n: number): Policy =>
  n === 2 ? examplePolicy : loadPolicy(policyTextWith('required_approvals: 2', `required_approvals: ${n}`));
const humans = (n: number): string[] => Array.from({ length: n }, (_, i) => `human:approver${i}`);

/** The T3 gate for each escalated T3 action, with `approvals` approvers so far. */
const T3_GATES: Record<string, (approvals: string[], policy: Policy) => string> = {
  close_period: (approvals, policy) =>
    evaluate(
      'close_period',
      {
        kind: 'period',
        entity: 'US01',
        period: '2026-03',
        periodState: 'closing',
        requestedBy: 'human:requester',
        approvals,
      },
      'human:requester',
      policy,
    ).outcome,
  post_entry: (approvals, policy) =>
    evaluate(
      'post_entry',
      { entity: 'US01', period: '2026-03', periodState: 'closed', requestedBy: 'human:requester', approvals },
      'human:requester',
      policy,
    ).outcome,
};

describe('escalationApprovalsRequired agrees with the gate', () => {
  for (const n of [2, 3, 5]) {
    for (const [action, gate] of Object.entries(T3_GATES)) {
      it(`${action} with required_approvals: ${n} -> ${n}, and the gate allows at exactly ${n} distinct humans`, () => {
        const policy = policyWith(n);
        const required = escalationApprovalsRequired(action, policy);
        expect(required).toBe(n);
        expect(gate(humans(required - 1), policy)).toBe('require_human_approval');
        expect(gate(humans(required), policy)).toBe('allow');
      });
    }
  }

  it('a match escalation (confirm or reject, any tier) is decided by one human, whatever the T3 count', () => {
    const policy = policyWith(4);
    for (const action of ['confirm', 'reject']) expect(escalationApprovalsRequired(action, policy)).toBe(1);
    const one = evaluate(
      'resolve_escalation',
      { escalationId: '7', proposedBy: 'engine:matcher' },
      'human:approver0',
      policy,
    );
    expect(one.outcome).toBe('allow');
  });
});
