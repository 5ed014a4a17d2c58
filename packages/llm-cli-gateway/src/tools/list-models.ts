import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { jsonToolResult } from 'mcp-host';
import { z } from 'zod';
import { PROVIDER_IDS } from '../providers/contract.js';
import { providerList } from '../providers/registry.js';
import { guarded } from './context.js';

export function registerListModels(server: McpServer): void {
  server.registerTool(
    'list_models',
    {
      description: 'Known model names per CLI. Indicative: any model name the CLI accepts may be passed.',
      inputSchema: { cli: z.enum(PROVIDER_IDS).optional() },
      annotations: { readOnlyHint: true },
    },
    async (args) =>
      guarded(() =>
        jsonToolResult({
          providers: providerList()
            .filter((p) => args.cli === undefined || p.id === args.cli)
            .map((p) => ({
              cli: p.id,
              tool: p.toolName,
              models: [...p.knownModels],
              modelSelection: p.id === 'mistral' ? 'VIBE_ACTIVE_MODEL env var' : '--model flag',
            })),
        }),
      ),
  );
}
