/** closegate MCP server: tiered tools, resources, audit of every call, stdio and HTTP serving. */
export { createCloseGateServer, SERVER_NAME, SERVER_VERSION } from './server.js';
export { registerTieredTool, TieredToolRegistry, type TieredToolSpec } from './register.js';
export { dispatchToolCall, installToolDispatcher } from './dispatch.js';
export { TOOL_TIERS, TIER_INFO, isToolTier, type ToolTier } from './tiers.js';
export { CLOSEGATE_TOOLS } from './tools/index.js';
export {
  MCP_TOOL_CALL_EVENT,
  recordToolCall,
  type ToolCallDecision,
  type ToolCallRecord,
} from './audit-trail.js';
export { AuditSqlSandbox, type AuditSqlResult } from './audit-sql/sandbox.js';
export { AUDIT_VIEWS } from './audit-sql/views.js';
export type { McpDeps, ToolCall, ToolOutcome } from './context.js';
export { McpConfigError, McpSurfaceError, ToolRegistrationError } from './errors.js';
export {
  AUTH_BACKENDS,
  DEFAULT_ACTOR_HEADER,
  httpAuthFromEnv,
  stdioActorFromEnv,
  tokenEntriesFromEnv,
  type HttpAuth,
} from './auth-config.js';
export {
  closeMcpDeps,
  httpConfigFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
  serveCloseGateStdio,
  type HttpServeConfig,
  type OpenMcpDepsOptions,
} from './serve.js';
