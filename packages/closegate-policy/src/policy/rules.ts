/**
 * Every rule the gate can cite, with the one code it must carry. The policy
 * file supplies the text (quoted verbatim in decisions); the code is fixed
 * here so that a policy edit cannot silently rename what callers switch on.
 */
export const RULE_CODES = Object.freeze({
  state_invalid: 'STATE_INVALID',
  sod_same_actor: 'SOD_SAME_ACTOR',
  sod_llm_confirms_llm: 'SOD_SAME_ACTOR',
  account_forced_human: 'ACCOUNT_FORCED_HUMAN',
  materiality_over_threshold: 'MATERIALITY_OVER_THRESHOLD',
  strategy_requires_human: 'STRATEGY_REQUIRES_HUMAN',
  missing_rationale_confirm: 'MISSING_RATIONALE',
  missing_rationale_reject: 'MISSING_RATIONALE',
  escalation_requires_human: 'ESCALATION_REQUIRES_HUMAN',
  exception_resolution_requires_human: 'EXCEPTION_RESOLUTION_REQUIRES_HUMAN',
  t3_approver_not_human: 'T3_APPROVER_NOT_HUMAN',
  t3_requester_approval: 'SOD_SAME_ACTOR',
  t3_dual_approval_required: 'T3_DUAL_APPROVAL_REQUIRED',
  t3_shared_workstation: 'T3_SHARED_WORKSTATION',
  period_closed: 'PERIOD_CLOSED',
  variance_over_threshold: 'VARIANCE_OVER_THRESHOLD',
} as const);

/** Rules a policy file may leave out; each is required once the setting that enables it is present. */
export const OPTIONAL_RULE_KEYS: readonly RuleKey[] = Object.freeze(['variance_over_threshold'] as const);

export type RuleKey = keyof typeof RULE_CODES;
export type RuleCode = (typeof RULE_CODES)[RuleKey];

export const RULE_KEYS = Object.freeze(Object.keys(RULE_CODES) as RuleKey[]);

export const ACTIONS = [
  'propose',
  'confirm',
  'reject',
  'flag_exception',
  'resolve_exception',
  'escalate',
  'resolve_escalation',
  'close_period',
  'post_entry',
] as const;

export type Action = (typeof ACTIONS)[number];

export const TIERS = ['T0', 'T1', 'T2', 'T3'] as const;
export type Tier = (typeof TIERS)[number];

export const MATCH_TYPES = ['exact', 'fuzzy', 'many_to_one'] as const;
export type MatchType = (typeof MATCH_TYPES)[number];
