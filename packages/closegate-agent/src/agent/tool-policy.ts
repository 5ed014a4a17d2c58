import type { LlmToolDef } from '../llm/types.js';
import type { EngineTool } from '../mcp-client/types.js';

/** Tiers never offered to a model, whatever a skill's allow-list says. */
const NEVER_OFFERED = new Set(['T3', 'human', 'unknown']);

/** The service fills this argument itself (it carries the run id into the engine's audit record). */
export const IDEMPOTENCY_ARG = 'idempotency_key';

/** Argument names that smell of identity; a call carrying one (at any depth) is refused. */
const IDENTITY_KEY =
  /actor|principal|impersonat|on_?behalf|identity|run_?as|as_?user|user_?id|^_?meta$|^x-|authori[sz]ation|credential|token/i;

export interface OfferedTool {
  def: LlmToolDef;
  engine: EngineTool;
  /** The engine schema has idempotency_key: the service sets it. */
  needsKey: boolean;
}

export interface ToolOffer {
  tools: Map<string, OfferedTool>;
  /** Tools the allow-list named but the tier rule dropped (for the transcript). */
  dropped: { name: string; why: string }[];
}

/** The schema offered to the model: no idempotency key (the service sets it), no `$schema` dialect tag. */
function stripKey(input: Record<string, unknown>): { schema: Record<string, unknown>; had: boolean } {
  const { $schema: _dialect, ...schema } = input;
  void _dialect;
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  if (!(IDEMPOTENCY_ARG in props)) return { schema, had: false };
  const { [IDEMPOTENCY_ARG]: _dropped, ...rest } = props;
  void _dropped;
  const required = Array.isArray(schema.required)
    ? (schema.required as unknown[]).filter((r) => r !== IDEMPOTENCY_ARG)
    : undefined;
  return { schema: { ...schema, properties: rest, ...(required ? { required } : {}) }, had: true };
}

/**
 * What the model is offered: the server's tools/list, filtered by the skill's
 * allow-list (and, for chat, to read-only tools), never a T3 / human-only /
 * untiered tool. The idempotency key is removed from the schemas.
 */
export function offerTools(
  serverTools: readonly EngineTool[],
  allowList: ReadonlySet<string>,
  opts: { readOnlyOnly?: boolean } = {},
): ToolOffer {
  const tools = new Map<string, OfferedTool>();
  const dropped: ToolOffer['dropped'] = [];
  for (const tool of serverTools) {
    if (!allowList.has(tool.name)) continue;
    if (NEVER_OFFERED.has(tool.tier) || tool.destructive) {
      dropped.push({ name: tool.name, why: `tier ${tool.tier} is never offered to a model` });
      continue;
    }
    if (opts.readOnlyOnly === true && !(tool.tier === 'T0' && tool.readOnly)) continue;
    const { schema, had } = stripKey(tool.inputSchema);
    tools.set(tool.name, {
      def: { name: tool.name, description: tool.description, inputSchema: schema },
      engine: tool,
      needsKey: had,
    });
  }
  return { tools, dropped };
}

export type ArgCheck =
  | { ok: true; args: Record<string, unknown>; droppedKey: boolean }
  | { ok: false; code: string; message: string };

function findIdentityKey(value: unknown, depth = 0): string | null {
  if (depth > 8 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findIdentityKey(v, depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (IDENTITY_KEY.test(k)) return k;
    const hit = findIdentityKey(v, depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}

/**
 * Checks a model's tool call before anything reaches the engine: the tool must
 * have been offered, the arguments must be an object, and no key may name an
 * identity (actor_id, _meta, on_behalf_of ...). A model-supplied idempotency
 * key is dropped: the service owns that field.
 */
export function checkToolCall(offer: ToolOffer, name: string, input: unknown): ArgCheck {
  if (!offer.tools.has(name))
    return {
      ok: false,
      code: 'TOOL_NOT_OFFERED',
      message: `tool ${JSON.stringify(name)} is not offered to this agent`,
    };
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, code: 'INVALID_ARGUMENTS', message: 'tool arguments must be a JSON object' };
  const identity = findIdentityKey(input);
  if (identity !== null)
    return {
      ok: false,
      code: 'ACTOR_ARGUMENT_REFUSED',
      message: `argument ${JSON.stringify(identity)} refused: identity is bound by the service's connection, never by tool arguments`,
    };
  const args = { ...(input as Record<string, unknown>) };
  const droppedKey = IDEMPOTENCY_ARG in args;
  delete args[IDEMPOTENCY_ARG];
  return { ok: true, args, droppedKey };
}
