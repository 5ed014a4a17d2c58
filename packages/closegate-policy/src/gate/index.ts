export {
  ACTOR_KINDS,
  ACTOR_PATTERN,
  isHuman,
  parseActor,
  sameActor,
  type Actor,
  type ActorKind,
} from './actor.js';
export {
  jsonPointer,
  type AllowDecision,
  type BlockingDecision,
  type Decision,
  type Outcome,
} from './decision.js';
export { evaluate, type GateContext } from './evaluate.js';
export { escalationApprovalsRequired, t3RequiredApprovals } from './rules/t3-rules.js';
export { hasRationale, isMaterial } from './materiality.js';
export {
  escalationSubjectSchema,
  matchSubjectSchema,
  periodSubjectSchema,
  postingSubjectSchema,
  type EscalationSubject,
  type MatchSubject,
  type PeriodSubject,
  type PostingSubject,
} from './subjects.js';
export { checkCliIdentity, type CliIdentityCheck } from './cli-identity.js';
