import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { errorToolResult, jsonToolResult, principalFrom } from 'mcp-host';
import { z } from 'zod';
import { rowToResult } from '../recorder/row-result.js';
import { guarded, type ToolContext } from './context.js';

export function registerRequestResult(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'llm_request_result',
    {
      description: 'Fetch the result of one of your earlier requests by correlation id.',
      inputSchema: { correlationId: z.string().uuid() },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guarded(async () => {
        const owner = principalFrom(extra).id;
        const cached = ctx.service.results.get(owner, args.correlationId);
        if (cached !== undefined) return jsonToolResult({ source: 'memory', result: cached });
        const row = await ctx.recorder?.get(args.correlationId, owner);
        if (row !== undefined) return jsonToolResult({ source: 'flight-recorder', result: rowToResult(row) });
        // Same answer for unknown ids and other owners' ids.
        return errorToolResult('NOT_FOUND', `no request ${args.correlationId} found`);
      }),
  );
}
