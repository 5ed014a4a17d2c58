import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { jsonToolResult } from 'mcp-host';
import { allCliVersions } from '../versions.js';
import { guarded, type ToolContext } from './context.js';

export function registerCliVersions(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'cli_versions',
    {
      description: 'Which provider CLIs are installed, where, and their versions.',
      annotations: { readOnlyHint: true },
    },
    async () => guarded(async () => jsonToolResult({ clis: await allCliVersions(ctx.env) })),
  );
}
