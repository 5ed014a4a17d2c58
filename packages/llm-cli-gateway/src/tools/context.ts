import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorToolResult } from 'mcp-host';
import { ZodError } from 'zod';
import { errorMessage, GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';

export type ToolContext = Gateway;

/**
 * Runs a handler and turns thrown errors into `isError` tool results with a
 * stable code: a tool call never crashes the server or the session.
 */
export async function guarded(fn: () => CallToolResult | Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof GatewayError) return errorToolResult(err.code, err.message);
    if (err instanceof ZodError)
      return errorToolResult('INVALID_INPUT', err.issues.map((i) => i.message).join('; '));
    return errorToolResult('INTERNAL', errorMessage(err));
  }
}
