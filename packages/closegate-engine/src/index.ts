/**
 * closegate-engine: recon store, matcher, recon pass, operations and CLI.
 * The public API other packages (the MCP server, the eval harness) use.
 */
export { openEngine, type Engine, type OpenEngineOptions } from './engine.js';
export { DEFAULT_DB_PATH, defaultPolicyPath, resolveDbPath, resolvePolicyPath } from './config.js';
export * from './domain.js';
export * from './errors.js';
export type {
  ClosePeriodInput,
  ConfirmInput,
  DecisionJson,
  EngineContext,
  EscalateInput,
  FaultPoint,
  FlagExceptionInput,
  ImportInput,
  OperationResult,
  OperationStatus,
  Operations,
  ProposeInput,
  RejectInput,
  ResolveEscalationInput,
} from './operations/index.js';
export {
  closePeriodSchema,
  confirmSchema,
  escalateSchema,
  flagExceptionSchema,
  proposeSchema,
  rejectSchema,
  resolveEscalationSchema,
} from './operations/schemas.js';
export type {
  Queries,
  ReconStatus,
  MatchDetail,
  ExceptionDetail,
  CloseSummary,
  EntitySummary,
} from './queries/index.js';
export { runMatcher, runMatcherV1 } from './matcher/match.js';
export {
  DEFAULT_MATCHING_RULES,
  matchingRulesSchema,
  parseMatchingRules,
  type MatchingRule,
  type MatchingRules,
  type MatchingRulesInput,
} from './matcher/rules.js';
export {
  DEFAULT_MATCHER_CONFIG,
  type IntercompanyRule,
  type MatchProposal,
  type MatchResult,
  type MatcherConfig,
  type MatcherException,
} from './matcher/config.js';
export {
  AUTOCONFIRM_ACTOR,
  MATCHER_ACTOR,
  RECON_RUN_BATCH_SIZE,
  type ReconPassOptions,
  type ReconPassResult,
  type ReconItem,
  type ReconProgress,
} from './recon/types.js';
export { DEFAULT_HEARTBEAT_TIMEOUT_MS, SWEEPER_ACTOR } from './recon/sweeper.js';
export { CSV_COLUMNS, validateEntriesCsv } from './import/entriesCsv.js';
export { parseCsv, CsvSyntaxError } from './import/csv.js';
export {
  DEMO_ACCOUNTS,
  DEMO_ENTITIES,
  DEMO_FX_RATES,
  DEMO_INTERCOMPANY_RULES,
  DEMO_MARKERS,
  demoEntries,
} from './seed/demoPack.js';
export { AUDIT_TABLE, ReconStore } from './store/index.js';
export {
  defaultHeadLogPath,
  defaultKeyPath,
  resolveAuditSigning,
  type AuditSigning,
} from './store/auditSigning.js';
export { MIGRATIONS, migrate, schemaVersion } from './store/migrations.js';
export {
  verifyState,
  replayEvents,
  type StateDifference,
  type StateReplayReport,
} from './audit/replay/index.js';
export {
  verifyRecon,
  EXPECTED_SCHEMA_VERSION,
  type ReconVerifyOptions,
  type ReconVerifyReport,
} from './audit/verifyRecon.js';
export * from './eval-fixtures/index.js';
export * from './books/index.js';
export { importEntriesCsv, type ImportResult } from './operations/importEntries.js';
export { FxRateMissingError } from './storedRates.js';
