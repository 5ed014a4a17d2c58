import { expect } from 'vitest';
import type { Decision, Policy } from '../src/index.js';
import { examplePolicy } from './helpers.js';

export type Expected = ['allow', string] | ['require_human_approval' | 'deny', string, string, string];

/** Checks outcome, tier and, for non-allow, code, pointer and the verbatim clause text. */
export function expectDecision(decision: Decision, expected: Expected, policy: Policy = examplePolicy): void {
  expect(decision.policyVersion).toBe(policy.version);
  if (expected[0] === 'allow') {
    expect(decision).toEqual({ outcome: 'allow', tier: expected[1], policyVersion: policy.version });
    return;
  }
  const [outcome, tier, code, rule] = expected;
  expect(decision).toEqual({
    outcome,
    tier,
    code,
    clausePointer: `/rules/${rule}`,
    clauseText: policy.document.rules[rule as keyof Policy['document']['rules']].text,
    policyVersion: policy.version,
  });
}
