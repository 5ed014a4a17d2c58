// query-sandbox (kernel): caller SQL run read-only, off the main thread, with a
// hard time and row budget and fair per-principal scheduling.
export {
  QuerySandbox,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_MAX_ROWS,
  MAX_ROWS,
  MAX_RESULT_BYTES,
  MAX_SQL_CHARS,
  type QuerySandboxOptions,
  type QueryBudget,
  type Mirror,
} from './sandbox.js';
export type { QueryRows } from './worker.js';
export { QuerySandboxError, type QueryErrorKind } from './errors.js';
export { FairScheduler, type FairSchedulerOptions } from './fair-scheduler.js';
export { openPrivateDir, removeStaleDirs, PID_FILE, type PrivateDir } from './private-dir.js';
export { processAlive, processStartTime } from './process-identity.js';
