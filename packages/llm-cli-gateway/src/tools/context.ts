import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorToolResult } from 'mcp-host';
import { ZodError } from 'zod';
import { errorMessage, GatewayError } from '../errors.js';
import { ApprovalError } from '../approval/errors.js';
import { ConfigError } from '../config/errors.js';
import type { Gateway } from '../gateway.js';
import { JobError } from '../jobs/errors.js';

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
    // Job, approval and config errors carry their own stable code (and `retryable` on saturation).
    if (err instanceof JobError || err instanceof ApprovalError || err instanceof ConfigError) {
      const retryable = err instanceof JobError && err.retryable ? { retryable: true } : undefined;
      return errorToolResult(err.code, err.message, retryable);
    }
    if (err instanceof ZodError)
      return errorToolResult('INVALID_INPUT', err.issues.map((i) => i.message).join('; '));
    return errorToolResult('INTERNAL', errorMessage(err));
  }
}
