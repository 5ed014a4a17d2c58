import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A successful tool result: the value as JSON text, and as structured content when it
 * is a plain object (so tools that declare an output schema can validate it).
 */
export function jsonToolResult(value: unknown): CallToolResult {
  const text = JSON.stringify(value) ?? 'null';
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (isPlainObject(value)) result.structuredContent = value;
  return result;
}

/**
 * A tool-level failure (`isError: true`), not a protocol error: the model sees the
 * stable code, the message and optional details as JSON text.
 */
export function errorToolResult(code: string, message: string, details?: unknown): CallToolResult {
  const error: Record<string, unknown> = { code, message };
  if (details !== undefined) error.details = details;
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error }) }] };
}
