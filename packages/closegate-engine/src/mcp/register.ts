import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { ToolCall, ToolOutcome } from './context.js';
import { ToolRegistrationError } from './errors.js';
import type { StrictArgs } from './schemas.js';
import { isToolTier, TIER_INFO, type ToolTier } from './tiers.js';

/** A tool as registered: the tier is a required field, the input schema a strict zod object. */
export interface TieredToolSpec<S extends StrictArgs = StrictArgs> {
  name: string;
  tier: ToolTier;
  title: string;
  description: string;
  inputSchema: S;
  /**
   * Run the handler and the call's audit record in one transaction (default true).
   * False only for work that manages its own transactions (a recon pass) or must not
   * hold the write lock (audit SQL); the record is then appended right after.
   */
  transactional?: boolean;
  /** Synchronous inside the transaction; a non-transactional tool may return a promise. */
  handler: (args: z.infer<S>, call: ToolCall) => ToolOutcome | Promise<ToolOutcome>;
}

/** The tools of one server, looked up by the dispatcher that validates raw arguments. */
export class TieredToolRegistry {
  readonly #tools = new Map<string, TieredToolSpec>();

  add(spec: TieredToolSpec): void {
    if (this.#tools.has(spec.name)) throw new ToolRegistrationError(`tool ${spec.name} is registered twice`);
    this.#tools.set(spec.name, spec);
  }

  get(name: string): TieredToolSpec | undefined {
    return this.#tools.get(name);
  }

  list(): TieredToolSpec[] {
    return [...this.#tools.values()];
  }
}

/** The SDK callback is replaced by the dispatcher; reaching it would be a wiring bug. */
function unreachableCallback(name: string): () => CallToolResult {
  return () => {
    throw new ToolRegistrationError(`tool ${name} must be dispatched by the closegate dispatcher`);
  };
}

function isStrictObject(schema: unknown): boolean {
  const def = (schema as { def?: { type?: string; catchall?: { def?: { type?: string } } } } | undefined)
    ?.def;
  return def?.type === 'object' && def.catchall?.def?.type === 'never';
}

function assertSpec(spec: TieredToolSpec): void {
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(spec.name))
    throw new ToolRegistrationError(`invalid tool name ${JSON.stringify(spec.name)}`);
  if (!isToolTier(spec.tier)) {
    throw new ToolRegistrationError(
      `tool ${spec.name} has no valid tier (got ${JSON.stringify(spec.tier)}); one of T0, propose, T1, T2, human, T3 is required`,
    );
  }
  if (!isStrictObject(spec.inputSchema)) {
    throw new ToolRegistrationError(
      `tool ${spec.name}: inputSchema must be a strict zod object (z.object(...).strict())`,
    );
  }
  if (Object.keys(spec.inputSchema.shape).some((k) => /actor/i.test(k))) {
    throw new ToolRegistrationError(
      `tool ${spec.name}: a tool never takes an actor; identity comes from the transport`,
    );
  }
}

/**
 * The ONE way closegate registers a tool. The tier is part of the type and is
 * checked at runtime; it is published in the description, the annotations
 * (readOnlyHint for T0, destructiveHint for T3) and `_meta`. The SDK's own
 * callback is never used: the dispatcher (dispatch.ts) validates the RAW
 * arguments against the strict schema, so unknown keys such as `actor_id`
 * are refused and every call, refused or not, is audited.
 */
export function registerTieredTool<S extends StrictArgs>(
  server: McpServer,
  registry: TieredToolRegistry,
  spec: TieredToolSpec<S>,
): void {
  assertSpec(spec as unknown as TieredToolSpec);
  const info = TIER_INFO[spec.tier];
  server.registerTool(
    spec.name,
    {
      title: spec.title,
      description: `[tier ${spec.tier}: ${info.summary}] ${spec.description}`,
      inputSchema: spec.inputSchema,
      annotations: {
        title: spec.title,
        readOnlyHint: info.readOnly,
        destructiveHint: info.destructive,
        idempotentHint: true,
        openWorldHint: false,
      },
      _meta: { 'closegate/tier': spec.tier, 'closegate/tierSummary': info.summary },
    },
    unreachableCallback(spec.name) as never,
  );
  registry.add(spec as unknown as TieredToolSpec);
}
