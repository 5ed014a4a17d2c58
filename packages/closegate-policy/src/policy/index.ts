export { accountMatches, matchingAccountPattern } from './accounts.js';
export { MAX_POLICY_CHARS, loadPolicy, policyVersionOf, type Policy } from './load.js';
export { policyDocumentSchema, type PolicyDocument } from './schema.js';
export {
  ACTIONS,
  MATCH_TYPES,
  RULE_CODES,
  RULE_KEYS,
  TIERS,
  type Action,
  type MatchType,
  type RuleCode,
  type RuleKey,
  type Tier,
} from './rules.js';
