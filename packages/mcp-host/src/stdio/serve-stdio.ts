import type { Readable, Writable } from 'node:stream';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { authInfoFor, makePrincipal, type Principal } from '../principal.js';
import { guardToolCalls, type OnRefusedCall } from '../tool-calls/guard.js';
import { PrincipalBoundTransport } from './principal-bound-transport.js';
import { guardStdoutConsole } from './stdout-guard.js';

export type StdioOptions = {
  /** Streams for tests; the process's stdin/stdout by default. */
  stdin?: Readable;
  stdout?: Writable;
  /** Redirect console.log/info/debug to stderr while serving (default true). */
  guardConsole?: boolean;
  /** Records each call refused with -32602 before a tool handler ran (unknown tool, bad arguments). */
  onRefusedCall?: OnRefusedCall;
};

export type StdioHost = { close(): Promise<void> };

/**
 * Serves `server` over stdio. Every request carries `principal` (fixed by the process
 * environment at start-up) in its context, read by handlers through `principalFrom(extra)`.
 */
export async function serveStdio(
  server: McpServer,
  principal: Principal,
  options: StdioOptions = {},
): Promise<StdioHost> {
  const bound = makePrincipal({ ...principal, transport: 'stdio' });
  guardToolCalls(server, options.onRefusedCall);
  const restoreConsole = options.guardConsole === false ? () => {} : guardStdoutConsole();
  const inner = new StdioServerTransport(options.stdin, options.stdout);
  const transport = new PrincipalBoundTransport(inner, authInfoFor(bound));
  try {
    await server.connect(transport);
  } catch (error) {
    restoreConsole();
    throw error;
  }
  return {
    close: async () => {
      try {
        await server.close();
      } finally {
        restoreConsole();
      }
    },
  };
}
