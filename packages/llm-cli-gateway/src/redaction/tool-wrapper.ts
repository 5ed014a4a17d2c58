import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorToolResult } from 'mcp-host';
import type { RedactionPolicy } from './policy.js';

type AnyHandler = (...args: unknown[]) => CallToolResult | Promise<CallToolResult>;

/**
 * Routes every tool registered on `server` through the redaction policy: the
 * single exit every reply, error, job result and query row passes, so a tool
 * added later cannot forget it. A handler that throws is answered with a
 * redacted INTERNAL error instead of the SDK's raw message.
 */
export function redactEveryResult(server: McpServer, policy: RedactionPolicy): void {
  const register = server.registerTool.bind(server) as (...args: unknown[]) => unknown;
  (server as unknown as { registerTool: (...args: unknown[]) => unknown }).registerTool = (
    ...args: unknown[]
  ) => {
    const handler = args[args.length - 1] as AnyHandler;
    const wrapped: AnyHandler = async (...callArgs) => {
      try {
        return policy.redactToolResult(await handler(...callArgs));
      } catch (err) {
        return policy.redactToolResult(errorToolResult('INTERNAL', (err as Error).message ?? String(err)));
      }
    };
    return register(...args.slice(0, -1), wrapped);
  };
}
