import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parseActor, type Actor } from 'closegate-policy';
import { guardedArguments, principalFrom, type ExtraWithAuth, type Principal } from 'mcp-host';
import type { z } from 'zod';
import { EngineError } from '../errors.js';
import { appendToolCallInTransaction, recordToolCall, type ToolCallRecord } from './audit-trail.js';
import type { McpDeps, ToolOutcome } from './context.js';
import { ToolRegistrationError } from './errors.js';
import { groupCommitterFor } from './group-commit.js';
import type { TieredToolRegistry, TieredToolSpec } from './register.js';
import { errorToolResult, jsonToolResult, operationToolResult } from './results.js';

type Base = Pick<ToolCallRecord, 'actor' | 'tool' | 'tier' | 'transport'>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(arguments)'}: ${i.message}`)
    .join('; ');
}

/** The audit record of a completed handler. */
function recordOf(base: Base, outcome: ToolOutcome): ToolCallRecord {
  if (outcome.kind === 'data') return { ...base, decision: 'allow' };
  const { result, idempotencyKey } = outcome;
  const d = result.decision;
  return {
    ...base,
    decision: result.replayed === true ? 'replayed' : d.outcome,
    code: d.code,
    clauseText: d.clauseText,
    clausePointer: d.clausePointer,
    policyVersion: d.policyVersion,
    idempotencyKey,
    operationSeq: result.auditSeq,
  };
}

function toolResult(outcome: ToolOutcome): CallToolResult {
  return outcome.kind === 'data' ? jsonToolResult(outcome.value) : operationToolResult(outcome.result);
}

function errorOf(
  err: unknown,
  deps: McpDeps,
  tool: string,
): { code: string; message: string; details?: unknown } {
  if (err instanceof EngineError) return { code: err.code, message: err.message, details: err.details };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code) && err instanceof Error)
    return { code, message: err.message };
  deps.logger.error('tool failed', {
    tool,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return {
    code: 'INTERNAL_ERROR',
    message: `${tool} failed unexpectedly; the error was logged on the server`,
  };
}

/**
 * Runs a validated call: handler + its audit record, in one transaction unless the tool
 * opts out. Concurrent calls share that transaction (group commit, group-commit.ts).
 */
async function execute(
  spec: TieredToolSpec,
  args: unknown,
  base: Base,
  actor: Actor,
  principal: Readonly<Principal>,
  deps: McpDeps,
): Promise<CallToolResult> {
  const call = { actor, principal, deps };
  if (spec.transactional === false) {
    const outcome = await spec.handler(args as never, call);
    recordToolCall(deps.engine, recordOf(base, outcome));
    return toolResult(outcome);
  }
  const outcome = await groupCommitterFor(deps.engine.context.store).run(() => {
    const outcome = spec.handler(args as never, call);
    if (outcome instanceof Promise) {
      throw new ToolRegistrationError(`tool ${spec.name} runs in a transaction and must be synchronous`);
    }
    appendToolCallInTransaction(deps.engine, recordOf(base, outcome));
    return outcome;
  });
  // built after the commit: a result is never made of what a rollback took back
  return toolResult(outcome);
}

/** One tools/call, start to end. Every path appends exactly one MCP_TOOL_CALL event. */
export async function dispatchToolCall(
  registry: TieredToolRegistry,
  deps: McpDeps,
  name: string,
  rawArgs: unknown,
  extra: ExtraWithAuth,
): Promise<CallToolResult> {
  let principal: Readonly<Principal>;
  try {
    principal = principalFrom(extra);
  } catch {
    // No identity: nothing to attribute an audit record to, and nothing runs.
    return errorToolResult('PRINCIPAL_MISSING', 'no caller identity is bound to this request');
  }
  const spec = registry.get(name);
  const base: Base = {
    actor: principal.id,
    tool: name.slice(0, 100),
    tier: spec?.tier ?? 'unknown',
    transport: principal.transport,
  };
  const refuse = (
    code: string,
    message: string,
    decision: ToolCallRecord['decision'] = 'rejected_input',
    details?: unknown,
  ) => {
    recordToolCall(deps.engine, { ...base, decision, code, detail: message });
    return errorToolResult(code, message, details);
  };
  let actor: Actor;
  try {
    actor = parseActor(principal.id);
  } catch (err) {
    return refuse('ACTOR_INVALID', `the transport bound an invalid actor id: ${(err as Error).message}`);
  }
  if (spec === undefined) return refuse('TOOL_UNKNOWN', `no tool named ${JSON.stringify(base.tool)}`);
  // The host's guard validated these arguments against this very schema before this handler
  // ran (and refused the call if they failed): take its result instead of parsing them again.
  const guarded = guardedArguments(extra, name, spec.inputSchema);
  let args: unknown;
  if (guarded !== undefined) args = guarded.data;
  else {
    const parsed = spec.inputSchema.safeParse(rawArgs ?? {});
    if (!parsed.success) {
      const message = `invalid arguments for ${spec.name}: ${describeIssues(parsed.error)}`;
      return refuse('INVALID_INPUT', message, 'rejected_input', { issues: parsed.error.issues.slice(0, 5) });
    }
    args = parsed.data;
  }
  try {
    return await execute(spec, args, base, actor, principal, deps);
  } catch (err) {
    const e = errorOf(err, deps, spec.name);
    return refuse(e.code, e.message, e.code === 'INVALID_INPUT' ? 'rejected_input' : 'error', e.details);
  }
}

/**
 * Replaces the SDK's tools/call handler (which validates before any of our code
 * runs, so a refused call would leave no audit record) with closegate's dispatcher.
 * tools/list still comes from the SDK registrations, with the strict JSON schemas.
 */
export function installToolDispatcher(server: McpServer, registry: TieredToolRegistry, deps: McpDeps): void {
  server.server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    dispatchToolCall(registry, deps, request.params.name, request.params.arguments, extra),
  );
}
