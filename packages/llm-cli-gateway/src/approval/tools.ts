import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { jsonToolResult, principalFrom } from 'mcp-host';
import { z } from 'zod';
import { guardedTool } from '../jobs/tool-errors.js';
import type { ApprovalManager } from './manager.js';

/** `approval_list`: the caller's own approval decisions (prompt hashes, never prompts). */
export function registerApprovalList(server: McpServer, approvals: ApprovalManager): void {
  server.registerTool(
    'approval_list',
    {
      description:
        'Your mcp_managed approval decisions, oldest first: decision, risk score and factors, blockers, review integrity, prompt SHA-256.',
      inputSchema: {
        afterSeq: z.number().int().min(0).optional().describe('Only decisions after this seq (pagination)'),
        limit: z.number().int().min(1).max(1000).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guardedTool(() =>
        jsonToolResult({
          decisions: approvals.list(principalFrom(extra).id, { afterSeq: args.afterSeq, limit: args.limit }),
        }),
      ),
  );
}
