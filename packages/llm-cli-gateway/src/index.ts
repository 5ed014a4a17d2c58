// Public API of llm-cli-gateway (core). The executable lives in cli/main.ts.
export { GatewayError, AdmissionError, QueryRefusedError, type GatewayErrorCode } from './errors.js';
export { gatewayHome, logsDbPath, ensurePrivateDir } from './config/paths.js';
export {
  PROVIDER_IDS,
  MAX_PROMPT_ARG_BYTES,
  type ProviderId,
  type ProviderContract,
  type ProviderRequest,
  type CommandSpec,
  type FlagSpec,
  type Invocation,
  type ParsedOutput,
  type PermissionLevel,
  type RawOutput,
  type Usage,
} from './providers/contract.js';
export { PROVIDERS, providerList, isProviderId, emittableFlags } from './providers/registry.js';
export { admitArgs, admitStdin } from './executor/admission.js';
export { buildChildEnv, BASE_ENV_ALLOW } from './executor/env.js';
export { resolveBinary } from './executor/resolve-binary.js';
export { prepareWorkDir } from './executor/workdir.js';
export { runProcess, type RunOptions, type RunResult, type StopReason } from './executor/run.js';
export { killGroup, groupAlive } from './executor/kill.js';
export {
  execute,
  prepareExecution,
  DEFAULT_LIMITS,
  type ExecLimits,
  type PreparedExecution,
  type ExecutionOutcome,
} from './executor/execute.js';
export { SessionStore, SESSIONS_FILE } from './sessions/store.js';
export type { Session } from './sessions/schema.js';
export { writeFileAtomic } from './sessions/atomic-file.js';
export {
  FlightRecorder,
  type StartRecord,
  type CompletionRecord,
  type RequestRow,
} from './recorder/recorder.js';
export { queryOwnRows, openOwnerSnapshot, type QueryResult, type QueryOptions } from './recorder/query.js';
export { redactSecrets } from './recorder/redact.js';
export { rowToResult } from './recorder/row-result.js';
export { OutputCollector } from './executor/output.js';
export { verifyRecorder, type RecorderVerifyReport } from './recorder/verify.js';
export { RequestService, type RequestServiceDeps, type RunHooks } from './service/request-service.js';
export type { Caller, GatewayRequest, RequestResult, ResultErrorCode } from './service/types.js';
export { createGateway, credentialValues, type Gateway, type GatewayOptions } from './gateway.js';
export { createGatewayServer } from './server.js';
export { allCliVersions, cliVersion, type CliVersion } from './versions.js';
export { VERSION } from './version.js';
// issue 6: config, durable async jobs, approval gate, HTTP transport.
export {
  loadConfig,
  configPath,
  parseConfigText,
  resolveConfig,
  CONFIG_FILE,
  type GatewayConfig,
  type HttpPrincipalConfig,
} from './config/file.js';
export { ConfigError } from './config/errors.js';
export { httpHostOptions, httpPrincipalId } from './config/http-options.js';
export { assessExposure, type ExposureReport, type ExposureFinding } from './config/exposure.js';
export { JobStore, type JobRecord, type OutputPage, type OutputStream } from './jobs/store.js';
export { JobManager, type JobRunner, type SubmitResult } from './jobs/manager.js';
export { JobRuntime } from './jobs/runtime.js';
export { SqliteJobStore } from './jobs/sqlite-store.js';
export type { JobStoreApi } from './jobs/store-api.js';
export { PgJobStore } from './jobs/pg-store.js';
export { PgJobManager } from './jobs/pg-manager.js';
export { SlotScheduler, type SchedulerLimits, type Slot, type SlotGate } from './jobs/scheduler.js';
export { JobError, SaturatedError, type JobErrorCode } from './jobs/errors.js';
export { JOB_STATES, TRANSITIONS, type JobState } from './jobs/states.js';
export { createRequestPlane, type RequestPlane, type SyncOutcome } from './jobs/plane.js';
export { ApprovalManager, MCP_ISOLATING_PROVIDERS, type ManagedLaunch } from './approval/manager.js';
export { ApprovalError, type ApprovalErrorCode } from './approval/errors.js';
export {
  assessRisk,
  decide,
  THRESHOLD_MAX_SCORE,
  type ApprovalInput,
  type RiskAssessment,
} from './approval/risk.js';
export type { ApprovalDecision } from './approval/decision-log.js';
export { serveGatewayHttp } from './transport/http.js';
// issue 8: workspaces and per-transport permission ceilings.
export {
  confine,
  isWithin,
  sessionWorkspace,
  type Confinement,
  type ConfineInput,
} from './workspaces/confine.js';
export {
  workspaceRegistry,
  canonicalDir,
  CEILING_ADMITS,
  DEFAULT_MAX_PERMISSION,
  type Workspace,
  type WorkspaceRegistry,
} from './workspaces/registry.js';
export { addWorkspace, removeWorkspace, type WorkspaceAddInput } from './workspaces/config-edit.js';
export type { WorkspacePermission } from './config/schema.js';
