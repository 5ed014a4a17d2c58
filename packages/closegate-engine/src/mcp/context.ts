import type { Actor } from 'closegate-policy';
import type { Logger, Principal } from 'mcp-host';
import type { Engine } from '../engine.js';
import type { OperationResult } from '../operations/context.js';
import type { AuditSqlSandbox } from './audit-sql/sandbox.js';
import type { CalendarSource } from './calendar.js';

/** What every tool handler may use: shared by all sessions of one server process. */
export interface McpDeps {
  engine: Engine;
  /** Read-only SQL over the audit views (a private mirror of the audit data). */
  auditSql: AuditSqlSandbox;
  calendar: CalendarSource;
  /** The policy file's text, as loaded (served verbatim by get_policy). */
  policyText: string;
  logger: Logger;
}

/** One tool call: who (bound by the transport) and the shared dependencies. */
export interface ToolCall {
  actor: Actor;
  principal: Readonly<Principal>;
  deps: McpDeps;
}

/**
 * What a handler returns: plain data (reads), or the engine's operation result
 * (state changes), whose gate decision decides the tool result and its audit record.
 */
export type ToolOutcome =
  { kind: 'data'; value: unknown } | { kind: 'operation'; result: OperationResult; idempotencyKey: string };

export const data = (value: unknown): ToolOutcome => ({ kind: 'data', value });
export const operation = (result: OperationResult, idempotencyKey: string): ToolOutcome => ({
  kind: 'operation',
  result,
  idempotencyKey,
});
