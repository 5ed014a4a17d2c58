import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HostConfigError } from '../errors.js';

type ValidateToolInput = (tool: object, args: unknown, toolName: string) => Promise<unknown>;

/** What the guard parsed for the call it is handing to the next handler right now. */
type Pending = { tool: object; name: string; data: unknown };

/** Passed to the SDK's own validation for its checks other than the schema (element limit). */
const SCHEMALESS_TOOL = Object.freeze({});

/** Runs `next` (the SDK's tools/call handler) with the guard's parse on offer to it. */
export type WithGuardParse = <T>(tool: object, name: string, data: unknown, next: () => T) => T;

/**
 * Lets the SDK's own tools/call handler take the arguments the guard already parsed instead
 * of parsing them again against the same schema.
 *
 * The SDK's handler validates through `McpServer.validateToolInput(tool, args, name)` (SDK
 * 1.32, a private method: this module is the one place that depends on it, and a server
 * without it fails loudly at start-up). It is replaced on this server instance by one that
 * returns the guard's parse when, and only when, it is called while the guard is
 * synchronously calling the next handler for that very registered tool and name: the
 * SDK reaches `validateToolInput` synchronously from the call (no await before it), and
 * JavaScript runs nothing else meanwhile, so no other request can see that parse. The
 * offer is taken once and withdrawn when `next` returns. Anything else (a handler that
 * awaits first in a future SDK, another tool, a second validation) goes to the SDK's own
 * parse: a second parse, never an unvalidated call.
 *
 * Keying by the arguments object is not possible: the SDK parses the JSON-RPC request with
 * its request schema before the handler, which copies `params.arguments`.
 *
 * The SDK's other input check (its `maxToolInputElements` ceiling) still runs on the
 * arguments it was given, through its own method with a schema-less tool.
 */
export function handGuardParseToSdk(server: McpServer): WithGuardParse {
  const target = server as unknown as { validateToolInput?: unknown };
  const original = target.validateToolInput;
  if (typeof original !== 'function')
    throw new HostConfigError(
      'mcp-host cannot guard tool calls: @modelcontextprotocol/sdk McpServer has no validateToolInput',
    );
  const sdkValidate = original as ValidateToolInput;
  let pending: Pending | undefined;

  const validateToolInput: ValidateToolInput = function (this: unknown, tool, args, toolName) {
    const offer = pending;
    pending = undefined;
    if (offer === undefined || offer.tool !== tool || offer.name !== toolName)
      return sdkValidate.call(this, tool, args, toolName);
    return sdkValidate.call(this, SCHEMALESS_TOOL, args, toolName).then(() => offer.data);
  };
  Object.defineProperty(server, 'validateToolInput', {
    value: validateToolInput,
    configurable: true,
    writable: true,
  });

  return (tool, name, data, next) => {
    pending = { tool, name, data };
    try {
      return next();
    } finally {
      pending = undefined;
    }
  };
}
