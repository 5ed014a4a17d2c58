import type { RefusedCall } from 'mcp-host';
import type { Engine } from '../engine.js';
import { recordToolCall, type ToolCallRecord } from './audit-trail.js';
import { MCP_HTTP_ACTOR } from './auth-failure-audit.js';
import { CLOSEGATE_TOOLS } from './tools/index.js';

const CODES: Record<RefusedCall['reason'], string> = {
  UNKNOWN_TOOL: 'TOOL_UNKNOWN',
  INVALID_ARGUMENTS: 'INVALID_INPUT',
  INVALID_PARAMS: 'INVALID_INPUT',
  INVALID_CURSOR: 'INVALID_CURSOR',
};

/**
 * Appends the MCP_TOOL_CALL event of a tools/call that mcp-host refused with a JSON-RPC
 * error before closegate's dispatcher ran (unknown tool, arguments not an object or not
 * matching the strict schema), so every call leaves a record. A refused tools/list is
 * not a tool call and changes nothing: it is not recorded.
 */
export function recordRefusedCall(engine: Engine, event: RefusedCall): void {
  if (event.method !== 'tools/call') return;
  const spec = CLOSEGATE_TOOLS.find((t) => t.name === event.tool);
  const record: ToolCallRecord = {
    // mcp-host always binds a principal; the server itself records if one ever is missing.
    actor: event.principal?.id ?? MCP_HTTP_ACTOR,
    tool: event.tool === '' ? '(none)' : event.tool,
    tier: spec?.tier ?? 'unknown',
    transport: event.principal?.transport ?? 'unknown',
    decision: 'rejected_input',
    code: CODES[event.reason],
    rpcError: event.code,
    detail: event.message,
  };
  recordToolCall(engine, record);
}
