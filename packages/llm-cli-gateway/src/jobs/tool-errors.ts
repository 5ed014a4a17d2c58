import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorToolResult } from 'mcp-host';
import { ZodError } from 'zod';

/**
 * Turns a thrown error into an `isError` tool result carrying its stable
 * code; `retryable` is passed through so clients can back off on saturation.
 */
export async function guardedTool(
  fn: () => CallToolResult | Promise<CallToolResult>,
): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ZodError)
      return errorToolResult('INVALID_INPUT', err.issues.map((i) => i.message).join('; '));
    const e = err as { code?: unknown; message?: unknown; retryable?: unknown };
    const code = typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : 'INTERNAL';
    const message = typeof e.message === 'string' ? e.message : String(err);
    return errorToolResult(code, message, e.retryable === true ? { retryable: true } : undefined);
  }
}
