import { z } from 'zod';
import { authSchema } from './auth-schema.js';

/**
 * The shape of `config.toml`. Every table is `.strict()`: an unknown key is an
 * error naming its path (a typo such as `max_concurent` must never be
 * silently ignored, because it would silently widen a limit).
 */

const PROVIDER_KEYS = ['claude', 'codex', 'gemini', 'grok', 'mistral'] as const;

/** Printable ASCII without spaces: the same rule mcp-host applies to principal ids. */
const PRINCIPAL_NAME = /^[\x21-\x7e]{1,128}$/;
const SERVER_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;

const posInt = (max: number) => z.number().int().min(1).max(max);
const nonNegInt = (max: number) => z.number().int().min(0).max(max);
const safeString = (max: number) =>
  z.string().min(1).max(max).regex(NO_CONTROL, 'must not contain control characters');

export const persistenceSchema = z
  .object({
    backend: z.enum(['sqlite', 'none']).default('sqlite'),
    /** Job store file; relative paths are resolved against the data directory. */
    path: safeString(4096).optional(),
  })
  .strict();

/**
 * `[store]`: where jobs, sessions and the flight recorder live. SQLite files in
 * the data directory (the default, nothing to install), or one PostgreSQL
 * database shared by several gateway instances.
 */
export const storeSchema = z
  .object({
    backend: z.enum(['sqlite', 'postgres']).default('sqlite'),
    /** A postgres:// URL (user, optional password, host, port, database); LLM_GATEWAY_DATABASE_URL overrides it. */
    url: safeString(4096)
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  })
  .strict();

export const principalSchema = z
  .object({
    name: z.string().regex(PRINCIPAL_NAME, 'must be 1-128 printable ASCII characters without spaces'),
    token_sha256: z
      .string()
      .regex(
        SHA256_HEX,
        'must be the lowercase hex SHA-256 of the token (64 characters), never the token itself',
      ),
  })
  .strict();

export const httpSchema = z
  .object({
    host: safeString(255).default('127.0.0.1'),
    port: nonNegInt(65535).default(4680),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must start with / and hold only URL-safe characters')
      .default('/mcp'),
    public_url: z.url({ protocol: /^https?$/ }).optional(),
    max_body_bytes: posInt(64 * 1024 * 1024).default(1024 * 1024),
    max_sessions: posInt(10_000).default(64),
    /** Default: a quarter of max_sessions, so one principal cannot lock the others out. */
    max_sessions_per_principal: posInt(10_000).optional(),
    max_connections: posInt(100_000).default(256),
    headers_timeout_ms: z.number().int().min(100).max(30_000).default(10_000),
    max_requests_per_socket: posInt(1_000_000).default(1000),
    idle_session_seconds: posInt(86_400).default(900),
    allowed_hosts: z.array(safeString(255)).min(1).optional(),
    allowed_origins: z.array(safeString(512)).optional(),
    principals: z.array(principalSchema).default([]),
    /**
     * "token" (default): with no principal configured, a token is generated on
     * first start (0600 file in the data dir). "none": loopback without any
     * token, every local process is a caller; must be chosen explicitly.
     */
    auth: z.enum(['token', 'none']).default('token'),
  })
  .strict();

export const limitsSchema = z
  .object({
    max_concurrent: posInt(256).default(4),
    per_provider: z.partialRecord(z.enum(PROVIDER_KEYS), posInt(256)).default({}),
    max_queue: nonNegInt(100_000).default(64),
    queue_timeout_seconds: posInt(86_400).default(600),
    /** 0 disables deferral. Default stays under the MCP SDK's 60 s client request timeout. */
    sync_deadline_seconds: nonNegInt(86_400).default(50),
    dedup_window_seconds: nonNegInt(86_400 * 7).default(300),
    job_lease_seconds: posInt(3600).default(30),
    /** Operator ceiling on a request's timeoutMs / idleTimeoutMs: asking for more is refused. */
    max_timeout_seconds: posInt(86_400).default(3600),
    /** flight_recorder_query: a statement running longer is killed with its worker process. */
    query_timeout_ms: z.number().int().min(100).max(60_000).default(2000),
    /** Per principal (each HTTP token, the stdio user): defaults derived from the global limits. */
    per_principal: z
      .object({
        max_concurrent: posInt(256).optional(),
        max_queued: nonNegInt(100_000).optional(),
        max_timeout_seconds: posInt(86_400).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** Permission modes a managed Claude request may be pinned to: never a bypass. */
export const MANAGED_CLAUDE_MODES = ['default', 'plan', 'acceptEdits', 'dontAsk'] as const;

export const approvalSchema = z
  .object({
    strategy: z.enum(['legacy', 'mcp_managed']).default('legacy'),
    threshold: z.enum(['strict', 'balanced', 'permissive']).default('balanced'),
    claude_permission_mode: z.enum(MANAGED_CLAUDE_MODES).default('default'),
  })
  .strict();

export const mcpServerSchema = z
  .object({
    command: safeString(4096),
    args: z
      .array(z.string().max(8192).regex(NO_CONTROL, 'must not contain control characters'))
      .max(256)
      .default([]),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), z.string().max(8192)).default({}),
  })
  .strict();

/** Workspace ceilings an operator may grant; see the README for the mapping onto permission levels. */
export const WORKSPACE_PERMISSIONS = ['read-only', 'edits', 'full'] as const;
export const WORKSPACE_ALIAS = /^[A-Za-z0-9_-]{1,64}$/;

export const workspaceSchema = z
  .object({
    path: safeString(4096).refine((p) => p.startsWith('/'), 'must be an absolute path'),
    providers: z.array(z.enum(PROVIDER_KEYS)).min(1).optional(),
    max_permission: z.enum(WORKSPACE_PERMISSIONS).optional(),
    /** An HTTP principal name: the workspace is private to it (see "Sessions" in the README). */
    owner: z.string().regex(PRINCIPAL_NAME, 'must be an HTTP principal name').optional(),
  })
  .strict();

/**
 * `[workspaces]`: `default = "<alias>"` plus one `[workspaces.<alias>]` table
 * per workspace. Any other key must be a workspace table, so a misspelt key
 * (`defualt = "x"`) is an error naming it.
 */
export const workspacesSchema = z
  .object({ default: z.string().regex(WORKSPACE_ALIAS, 'must be a workspace alias').optional() })
  .catchall(workspaceSchema)
  .superRefine((ws, ctx) => {
    for (const alias of Object.keys(ws)) {
      if (alias !== 'default' && !WORKSPACE_ALIAS.test(alias))
        ctx.addIssue({
          code: 'custom',
          path: [alias],
          message: 'workspace aliases are 1-64 of A-Z a-z 0-9 _ -',
        });
    }
    if (ws.default !== undefined && (ws as Record<string, unknown>)[ws.default] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['default'],
        message: `names no workspace: add [workspaces.${ws.default}]`,
      });
  });

/**
 * `[providers.<cli>] cloud = [...]`: the cloud backends whose credentials
 * (AWS_*, GOOGLE_APPLICATION_CREDENTIALS, ...) may reach that CLI. Default: none.
 */
export const providersSchema = z
  .object({
    claude: z
      .object({ cloud: z.array(z.enum(['bedrock', 'vertex'])).max(2) })
      .strict()
      .optional(),
    gemini: z
      .object({ cloud: z.array(z.enum(['vertex'])).max(1) })
      .strict()
      .optional(),
  })
  .strict();

export const configFileSchema = z
  .object({
    providers: providersSchema.default({}),
    persistence: persistenceSchema.default({ backend: 'sqlite' }),
    store: storeSchema.default({ backend: 'sqlite' }),
    http: httpSchema.default(() => httpSchema.parse({})),
    auth: authSchema.default(() => authSchema.parse({})),
    limits: limitsSchema.default(() => limitsSchema.parse({})),
    approval: approvalSchema.default(() => approvalSchema.parse({})),
    mcp_servers: z
      .record(z.string().regex(SERVER_NAME, 'server names are 1-64 of A-Z a-z 0-9 _ -'), mcpServerSchema)
      .default({}),
    workspaces: workspacesSchema.default({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, string>();
    cfg.http.principals.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['http', 'principals', i, 'name'],
          message: `duplicate principal name "${p.name}"`,
        });
      const owner = [...seen.entries()].find(([, sha]) => sha === p.token_sha256);
      if (owner)
        ctx.addIssue({
          code: 'custom',
          path: ['http', 'principals', i, 'token_sha256'],
          message: `same token as principal "${owner[0]}"`,
        });
      seen.set(p.name, p.token_sha256);
    });
  });

export type ConfigFile = z.infer<typeof configFileSchema>;
export type ApprovalStrategy = ConfigFile['approval']['strategy'];
export type ApprovalThreshold = ConfigFile['approval']['threshold'];
export type ManagedClaudeMode = (typeof MANAGED_CLAUDE_MODES)[number];
export type McpServerConfig = ConfigFile['mcp_servers'][string];
export type WorkspacePermission = (typeof WORKSPACE_PERMISSIONS)[number];
export type WorkspaceEntry = z.infer<typeof workspaceSchema>;
