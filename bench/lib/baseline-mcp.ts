/**
 * The baseline every MCP benchmark compares against (see shared/BENCHMARKS.md):
 * the bare SDK over Streamable HTTP with a trivial `ping` tool, one McpServer per
 * session, and no exposure checks, authentication or audit at all.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

export function pingServer(): McpServer {
  const server = new McpServer({ name: 'bench', version: '0.0.0' });
  server.registerTool('ping', { description: 'returns pong' }, () => ({
    content: [{ type: 'text', text: 'pong' }],
  }));
  return server;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () =>
      resolve(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown) : undefined),
    );
    req.on('error', reject);
  });
}

export interface BaselineServer {
  url: string;
  close(): Promise<void>;
}

export async function serveBaseline(opts: { jsonResponse?: boolean } = {}): Promise<BaselineServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sid = req.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
      if (!transport) {
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: opts.jsonResponse ?? false,
          onsessioninitialized: (id) => void sessions.set(id, created),
        });
        await pingServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
