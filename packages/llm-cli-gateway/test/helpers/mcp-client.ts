import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { REPO_ROOT } from './env.js';

/** Launches the gateway from source over stdio, as an MCP client would. */
export async function connectGateway(env: NodeJS.ProcessEnv): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--conditions=source', '--import', 'tsx', 'packages/llm-cli-gateway/src/cli/main.ts'],
    cwd: REPO_ROOT,
    env: env as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'gateway-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

export function textOf(result: unknown): string {
  const r = result as CallToolResult;
  const first = r.content[0];
  return first?.type === 'text' ? first.text : '';
}

export function jsonOf<T = Record<string, unknown>>(result: unknown): T {
  return JSON.parse(textOf(result)) as T;
}
