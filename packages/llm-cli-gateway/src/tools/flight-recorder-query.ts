import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { errorToolResult, jsonToolResult, principalFrom } from 'mcp-host';
import { z } from 'zod';
import { MAX_SQL_CHARS } from '../recorder/query.js';
import { REQUEST_COLUMNS } from '../recorder/schema.js';
import { guarded, type ToolContext } from './context.js';

export function registerFlightRecorderQuery(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'flight_recorder_query',
    {
      description:
        'Read-only SQL over your own flight-recorder rows: one SELECT against table `requests` ' +
        `(${REQUEST_COLUMNS.map(([n]) => n).join(', ')}). Writes, ATTACH and pragmas are refused by SQLite. ` +
        'Runs in a separate process with a time budget (QUERY_TIMEOUT) and a row/byte cap.',
      inputSchema: {
        sql: z.string().min(1).max(MAX_SQL_CHARS),
        maxRows: z.number().int().min(1).max(1000).optional(),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guarded(async () => {
        const owner = principalFrom(extra).id;
        if (ctx.recorder === null) {
          return errorToolResult(
            'RECORDER_DISABLED',
            'the flight recorder is disabled (LLM_GATEWAY_LOGS_DB=none)',
          );
        }
        return jsonToolResult(await ctx.recorder.query(args.sql, owner, { maxRows: args.maxRows }));
      }),
  );
}
