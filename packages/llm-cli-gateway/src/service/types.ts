import type { PermissionLevel, ProviderId, Usage } from '../providers/contract.js';

/** The caller as bound by the transport (mcp-host's Principal, structurally). */
export interface Caller {
  readonly id: string;
  readonly transport: 'stdio' | 'http';
}

export interface GatewayRequest {
  readonly provider: ProviderId;
  readonly prompt: string;
  readonly model?: string;
  /** A gateway session (from session_create / session_list) to continue. */
  readonly sessionId?: string;
  /** Continue the caller's active session for this CLI. */
  readonly useActiveSession?: boolean;
  /** Create a new gateway session for this request. */
  readonly newSession?: boolean;
  readonly sessionDescription?: string;
  /** Resume a provider session by its own id, without a gateway session. */
  readonly providerSessionId?: string;
  /**
   * Directory to run in. HTTP callers: relative to the workspace. stdio: an
   * absolute machine path, or relative to the workspace when one applies.
   */
  readonly workingDir?: string;
  /** Registered workspace alias (config.toml `[workspaces.<alias>]`). */
  readonly workspace?: string;
  readonly timeoutMs?: number;
  readonly idleTimeoutMs?: number;
  /** Provider-specific options, validated by the provider's contract. */
  readonly options: Record<string, unknown>;
  /** `legacy` | `mcp_managed`; default from config.toml `[approval] strategy`. */
  readonly approvalStrategy?: 'legacy' | 'mcp_managed';
  /** MCP servers a managed request asks for (must be eligible in config.toml). */
  readonly mcpServers?: readonly string[];
  /** The caller declares a review request (review-integrity check). */
  readonly review?: boolean;
  /** Set only by the approval gate for an approved managed launch; never from tool arguments. */
  readonly managed?: { readonly mcpConfigPath: string; readonly permissionMode: string };
}

export type ResultErrorCode =
  | 'PROVIDER_ERROR'
  | 'NONZERO_EXIT'
  | 'TIMEOUT'
  | 'IDLE_TIMEOUT'
  | 'OUTPUT_CAP'
  | 'CANCELED'
  | 'EMPTY_REPLY'
  | 'INVALID_INPUT'
  | 'ADMISSION_REFUSED'
  | 'BINARY_NOT_FOUND'
  | 'BAD_WORKING_DIR'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_STORE_CORRUPT'
  | 'SPAWN_FAILED'
  | 'RECORDER_FAILED'
  | 'APPROVAL_DENIED'
  | 'APPROVAL_UNSUPPORTED_PROVIDER'
  | 'APPROVAL_UNAVAILABLE'
  | 'APPROVAL_STRATEGY_LOCKED'
  | 'LIMIT_EXCEEDED'
  | 'SESSION_NOT_OWNED'
  | 'QUEUE_TIMEOUT'
  | 'QUEUE_ABORTED'
  | 'GATEWAY_SATURATED'
  | 'WORKSPACE_REQUIRED'
  | 'WORKSPACE_UNKNOWN'
  | 'WORKSPACE_UNAVAILABLE'
  | 'WORKSPACE_ESCAPE'
  | 'WORKSPACE_MISMATCH'
  | 'PROVIDER_NOT_ALLOWED'
  | 'PERMISSION_CEILING'
  | 'INTERNAL';

export interface RequestResult {
  correlationId: string;
  cli: ProviderId;
  ok: boolean;
  reply: string;
  model?: string;
  sessionId?: string;
  providerSessionId?: string;
  usage?: Usage;
  costUsd?: string;
  exitCode: number | null;
  durationMs: number;
  permissionLevel?: PermissionLevel;
  error?: { code: ResultErrorCode; message: string; stderr?: string };
}
