import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorToolResult, jsonToolResult } from 'mcp-host';
import type { OperationResult } from '../operations/context.js';

/**
 * An operation's result as a tool result. A Deny is `isError: true` and an
 * escalation a normal result; both carry the clause code, the verbatim clause
 * text, its pointer and the policy version at the top level where a model
 * (and its human) reads them first.
 */
export function operationToolResult(result: OperationResult): CallToolResult {
  const d = result.decision;
  const body: Record<string, unknown> = { ...result };
  if (d.outcome !== 'allow') {
    body.clause = {
      code: d.code,
      text: d.clauseText,
      pointer: d.clausePointer,
      policyVersion: d.policyVersion,
      tier: d.tier,
    };
  }
  const out = jsonToolResult(body);
  if (d.outcome === 'deny') out.isError = true;
  return out;
}

export { errorToolResult, jsonToolResult };
