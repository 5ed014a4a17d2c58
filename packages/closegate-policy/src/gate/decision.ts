import type { Policy } from '../policy/load.js';
import { RULE_CODES, type RuleCode, type RuleKey, type Tier } from '../policy/rules.js';

export interface AllowDecision {
  outcome: 'allow';
  tier: Tier;
  policyVersion: string;
  code?: undefined;
  clauseText?: undefined;
  clausePointer?: undefined;
}

export interface BlockingDecision {
  outcome: 'require_human_approval' | 'deny';
  tier: Tier;
  /** Stable rule code, e.g. SOD_SAME_ACTOR. */
  code: RuleCode;
  /** The rule's text, verbatim from policy.yaml. */
  clauseText: string;
  /** RFC 6901 pointer to the rule in the policy document, e.g. "/rules/sod_same_actor". */
  clausePointer: string;
  policyVersion: string;
}

export type Decision = AllowDecision | BlockingDecision;
export type Outcome = Decision['outcome'];

/** RFC 6901: "~" -> "~0", "/" -> "~1". */
export function jsonPointer(...segments: string[]): string {
  return segments.map((segment) => '/' + segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function allow(policy: Policy, tier: Tier): AllowDecision {
  return Object.freeze({ outcome: 'allow', tier, policyVersion: policy.version });
}

function blocking(
  policy: Policy,
  outcome: BlockingDecision['outcome'],
  rule: RuleKey,
  tier: Tier,
): BlockingDecision {
  return Object.freeze({
    outcome,
    tier,
    code: RULE_CODES[rule],
    clauseText: policy.document.rules[rule].text,
    clausePointer: jsonPointer('rules', rule),
    policyVersion: policy.version,
  });
}

export function deny(policy: Policy, rule: RuleKey, tier: Tier): BlockingDecision {
  return blocking(policy, 'deny', rule, tier);
}

export function requireHuman(policy: Policy, rule: RuleKey, tier: Tier): BlockingDecision {
  return blocking(policy, 'require_human_approval', rule, tier);
}

const TIER_RANK: Readonly<Record<Tier, number>> = { T0: 0, T1: 1, T2: 2, T3: 3 };

/** The stricter of two tiers. */
export function maxTier(a: Tier, b: Tier): Tier {
  return TIER_RANK[a] >= TIER_RANK[b] ? a : b;
}
