import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { normalizeObjectSchema, safeParseAsync } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import type { AnySchema } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { HostConfigError } from '../errors.js';
import { principalFrom, type ExtraWithAuth, type Principal } from '../principal.js';
import { handGuardParseToSdk } from './sdk-input-hand-off.js';

/** Why a call was refused before any tool handler ran. */
export type RefusalReason = 'INVALID_PARAMS' | 'UNKNOWN_TOOL' | 'INVALID_ARGUMENTS' | 'INVALID_CURSOR';

export type RefusedCall = {
  /** The caller bound by the transport; undefined only if none was bound. */
  principal: Readonly<Principal> | undefined;
  method: 'tools/call' | 'tools/list';
  /** The tool name as sent (at most 100 characters), '' when none was. */
  tool: string;
  reason: RefusalReason;
  /** The JSON-RPC error code the caller gets (-32602). */
  code: number;
  /** The short message the caller gets. */
  message: string;
};

/** Must record the refusal; a throw turns the answer into a generic internal error. */
export type OnRefusedCall = (event: RefusedCall) => void | Promise<void>;

type RawRequest = { method: string; params?: unknown };
type RawHandler = (request: RawRequest, extra: ExtraWithAuth) => Promise<unknown>;
type RegisteredTool = { enabled: boolean; inputSchema?: AnySchema };

/**
 * Thrown to the SDK, which answers `{ code, message }` as given. (An McpError would prefix
 * the message with "MCP error <code>: " on the wire; the client adds that itself.)
 */
class RpcRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Arguments the guard validated, per request (keyed by the request's `extra`, the object the
 * SDK hands unchanged to the handler installed after the guard), for that handler to take
 * instead of validating the same arguments against the same schema a second time.
 */
type Validated = { name: string; schema: AnySchema; data: unknown };
const validatedArguments = new WeakMap<object, Validated>();

/**
 * The arguments of this request as the guard parsed them, when it validated them for tool
 * `name` against exactly `schema` (the same schema object); undefined otherwise (no guard,
 * another tool or schema), and then the caller validates itself. Taken once: a second call
 * for the same request returns undefined.
 */
export function guardedArguments(
  extra: object,
  name: string,
  schema: AnySchema,
): { data: unknown } | undefined {
  const entry = validatedArguments.get(extra);
  if (entry === undefined) return undefined;
  validatedArguments.delete(extra);
  return entry.name === name && entry.schema === schema ? { data: entry.data } : undefined;
}

/** Schemas the guard has normalised (for a raw shape normalizeObjectSchema builds a new object schema per call). */
const normalised = new WeakMap<object, AnySchema>();

function parseSchemaOf(inputSchema: AnySchema): AnySchema {
  let schema = normalised.get(inputSchema);
  if (schema === undefined) {
    schema = normalizeObjectSchema(inputSchema) ?? inputSchema;
    normalised.set(inputSchema, schema);
  }
  return schema;
}

const MAX_NAME = 100;
const MAX_MESSAGE = 300;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A name safe to echo: bounded, control characters replaced. */
const printable = (s: string) =>
  Array.from(s.slice(0, MAX_NAME), (c) =>
    c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '?' : c,
  ).join('');

function issuesText(error: unknown): string {
  const issues = (error as { issues?: { path?: PropertyKey[]; message?: string }[] }).issues ?? [];
  const text = issues
    .slice(0, 3)
    .map((i) => `${(i.path ?? []).map(String).join('.') || '(arguments)'}: ${i.message ?? 'invalid'}`)
    .join('; ');
  return (text || 'does not match the input schema').slice(0, MAX_MESSAGE);
}

/**
 * The SDK keeps request handlers and registered tools private. The guard reaches them here,
 * and only here, so an SDK upgrade that renames them fails loudly at start-up (not silently).
 */
function internals(server: McpServer) {
  const handlers = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  const tools = (server as unknown as { _registeredTools?: unknown })._registeredTools;
  if (!(handlers instanceof Map) || !isPlainObject(tools))
    throw new HostConfigError(
      'mcp-host cannot guard tool calls: unexpected @modelcontextprotocol/sdk internals',
    );
  return { handlers: handlers as Map<string, RawHandler>, tools: tools as Record<string, RegisteredTool> };
}

/**
 * Answers every `tools/call` the protocol refuses before a handler would run (malformed
 * params, unknown or disabled tool, arguments that are not an object or fail the input
 * schema) with JSON-RPC -32602 and a short message, and reports it to `onRefusedCall`
 * first, so that refusals are recorded like calls. A `tools/list` cursor is refused the
 * same way: the SDK never issues one, so every cursor is invalid. Valid calls go on to the
 * handler installed before (the SDK's or the product's), which gets the guard's parse instead
 * of validating the arguments again (`guardedArguments` for a product's handler,
 * sdk-input-hand-off.ts for the SDK's). Call after registering tools.
 */
export function guardToolCalls(server: McpServer, onRefusedCall?: OnRefusedCall): void {
  const { handlers, tools } = internals(server);
  const callTool = handlers.get('tools/call');
  const listTools = handlers.get('tools/list');
  if (!callTool || !listTools) return; // no tools registered: the SDK answers -32601
  // The SDK's own tools/call handler (tools that keep it) takes the guard's parse too.
  const withGuardParse = handGuardParseToSdk(server);

  const refuse = async (
    extra: ExtraWithAuth,
    method: RefusedCall['method'],
    tool: string,
    reason: RefusalReason,
    message: string,
  ): Promise<never> => {
    let principal: Readonly<Principal> | undefined;
    try {
      principal = principalFrom(extra);
    } catch {
      principal = undefined;
    }
    const code = ErrorCode.InvalidParams;
    try {
      await onRefusedCall?.({ principal, method, tool, reason, code, message });
    } catch {
      // An unrecorded refusal must not look like a recorded one; the detail stays server-side.
      throw new RpcRefusal(ErrorCode.InternalError, 'the refused call could not be recorded');
    }
    throw new RpcRefusal(code, message);
  };

  handlers.set('tools/call', async (request, extra) => {
    const params = request.params;
    if (!isPlainObject(params) || typeof params.name !== 'string')
      return refuse(
        extra,
        'tools/call',
        '',
        'INVALID_PARAMS',
        'Invalid params: tools/call needs a tool name',
      );
    const toolName = params.name;
    const tool = Object.hasOwn(tools, toolName) ? tools[toolName] : undefined;
    if (!tool?.enabled) {
      const name = printable(toolName);
      return refuse(extra, 'tools/call', name, 'UNKNOWN_TOOL', `Unknown tool: ${name}`);
    }
    const args = params.arguments;
    if (args !== undefined && !isPlainObject(args)) {
      const name = printable(toolName);
      return refuse(
        extra,
        'tools/call',
        name,
        'INVALID_ARGUMENTS',
        `Invalid arguments for tool ${name}: arguments must be an object`,
      );
    }
    if (tool.inputSchema) {
      const schema = parseSchemaOf(tool.inputSchema);
      const parsed = await safeParseAsync(schema, args ?? {});
      if (!parsed.success) {
        const name = printable(toolName);
        return refuse(
          extra,
          'tools/call',
          name,
          'INVALID_ARGUMENTS',
          `Invalid arguments for tool ${name}: ${issuesText(parsed.error)}`,
        );
      }
      validatedArguments.set(extra, { name: toolName, schema: tool.inputSchema, data: parsed.data });
      return withGuardParse(tool, toolName, parsed.data, () => callTool(request, extra));
    }
    return callTool(request, extra);
  });

  handlers.set('tools/list', async (request, extra) => {
    const params = request.params;
    if (params !== undefined && !isPlainObject(params))
      return refuse(
        extra,
        'tools/list',
        '',
        'INVALID_PARAMS',
        'Invalid params: tools/list params must be an object',
      );
    if (params?.cursor !== undefined)
      return refuse(extra, 'tools/list', '', 'INVALID_CURSOR', 'Invalid cursor');
    return listTools(request, extra);
  });
}
