import type { z } from 'zod';

export const PROVIDER_IDS = ['claude', 'codex', 'gemini', 'grok', 'mistral'] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

/** One flag a provider may emit. `values` / `valuePattern` constrain its value further. */
export interface FlagSpec {
  readonly takesValue: boolean;
  readonly values?: readonly string[];
  readonly valuePattern?: RegExp;
}

/**
 * One command shape a provider may invoke: the leading subcommand tokens, the
 * flags allowed after them and how many positionals (session id, `-`) may follow.
 * The prompt after `--` counts as one positional.
 */
export interface CommandSpec {
  readonly path: readonly string[];
  readonly flags: Readonly<Record<string, FlagSpec>>;
  readonly maxPositionals: number;
}

/**
 * How far a request lets the agent act. A seam for per-transport permission
 * ceilings: `full` means the CLI's own safety checks are bypassed.
 */
export type PermissionLevel = 'read-only' | 'edits' | 'default' | 'full';

export interface ProviderRequest<O = Record<string, unknown>> {
  readonly prompt: string;
  readonly model?: string;
  /** A provider session id to resume. */
  readonly resumeSessionId?: string;
  /** A UUID the gateway assigns to a new provider session (only when `supportsNewSessionId`). */
  readonly newSessionId?: string;
  /** Approved mcp_managed launch (claude only): generated MCP config and fixed permission mode. */
  readonly managed?: { readonly mcpConfigPath: string; readonly permissionMode: string };
  readonly options: O;
}

/** What the executor runs: argv after the binary, stdin, and provider-specific env. */
export interface Invocation {
  readonly args: readonly string[];
  readonly stdin: string;
  readonly env: Readonly<Record<string, string>>;
}

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  cacheCreationTokens?: number;
}

/** What a provider's output means. `error` is the provider's own message when it failed. */
export interface ParsedOutput {
  reply: string;
  providerSessionId?: string;
  usage?: Usage;
  /** Decimal string in USD, never a float. */
  costUsd?: string;
  error?: string;
}

export interface RawOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/** Watches output lines while the CLI runs; returns a message to abort it early. */
export type FatalLineWatcher = (line: string) => string | undefined;

export interface ProviderContract<O extends Record<string, unknown> = Record<string, unknown>> {
  readonly id: ProviderId;
  /** Bare binary name, resolved on PATH at request time. */
  readonly binary: string;
  readonly toolName: string;
  readonly title: string;
  /** The exact shapes of argv this provider may emit. Anything else is refused before spawn. */
  readonly commands: readonly CommandSpec[];
  /** Env vars passed through to this CLI only (credentials, provider config); never logged. */
  readonly credentialEnv: readonly string[];
  /**
   * Cloud backends (bedrock, vertex) and the env vars each needs: passed only
   * when the operator enables the backend for this CLI (`[providers.<cli>] cloud`).
   */
  readonly cloudEnv?: Readonly<Record<string, readonly string[]>>;
  /** Provider-specific env vars the builder may set (e.g. VIBE_ACTIVE_MODEL). */
  readonly invocationEnv: readonly string[];
  readonly knownModels: readonly string[];
  readonly supportsNewSessionId: boolean;
  /** Zod shape of the provider's supported options (merged into the MCP tool's input). */
  readonly optionsShape: z.ZodRawShape;
  readonly parseOptions: (raw: Record<string, unknown>) => O;
  build(request: ProviderRequest<O>): Invocation;
  parse(raw: RawOutput): ParsedOutput;
  fatalLineWatcher?(): FatalLineWatcher;
  permissionLevel(options: O): PermissionLevel;
}

/** Prompts up to this many bytes go in argv; larger ones go on stdin where the CLI supports it. */
export const MAX_PROMPT_ARG_BYTES = 100 * 1024;

/** A model name or session id: never empty, never starting with `-`, no whitespace or NUL. */
export const SAFE_TOKEN = /^[A-Za-z0-9_.:/@+][A-Za-z0-9_.:/@+-]{0,199}$/;
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function promptFitsArgv(prompt: string): boolean {
  return Buffer.byteLength(prompt, 'utf8') <= MAX_PROMPT_ARG_BYTES;
}
