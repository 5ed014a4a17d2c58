import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** A tool call's outcome as the red team sees it. */
export interface ToolReply {
  isError: boolean;
  /** The JSON body of the first text content (null when not JSON). */
  body: Record<string, unknown> | null;
  /** A JSON-RPC protocol error instead of a tool result. */
  protocolError?: string;
  /** Its JSON-RPC code (-32602: the server refused the arguments before any handler ran). */
  rpcCode?: number;
}

export interface ListedTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpClient {
  call(name: string, args: unknown, meta?: Record<string, unknown>): Promise<ToolReply>;
  /** The server's tool list as this actor sees it (name, description, JSON Schema of the input). */
  listTools(): Promise<ListedTool[]>;
  sessionId(): string | undefined;
  close(): Promise<void>;
}

/** Connects the official SDK client over Streamable HTTP with these headers. */
export async function connectClient(
  url: string,
  headers: Record<string, string>,
  name = 'closegate-eval',
): Promise<McpClient> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return {
    async call(tool, args, meta) {
      try {
        const params: Record<string, unknown> = { name: tool, arguments: args };
        if (meta !== undefined) params._meta = meta;
        const r = (await client.callTool(params as never)) as {
          isError?: boolean;
          content?: { type: string; text?: string }[];
        };
        const text = r.content?.find((c) => c.type === 'text')?.text;
        let body: Record<string, unknown> | null = null;
        try {
          body = text === undefined ? null : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          body = null;
        }
        return { isError: r.isError === true, body };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        return {
          isError: true,
          body: null,
          protocolError: (err as Error).message,
          ...(typeof code === 'number' ? { rpcCode: code } : {}),
        };
      }
    },
    async listTools() {
      const { tools } = await client.listTools();
      return tools.map((t) => ({
        name: t.name,
        description: t.description ?? '',
        inputSchema: t.inputSchema as Record<string, unknown>,
      }));
    },
    sessionId: () => transport.sessionId,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** The error code of a refused tool call (`{"error":{"code":...}}`), if any. */
export function errorCode(reply: ToolReply): string | undefined {
  const e = reply.body?.error as { code?: unknown } | undefined;
  return typeof e?.code === 'string' ? e.code : undefined;
}

/** The gate clause code of a denied or escalated operation, if any. */
export function clauseCode(reply: ToolReply): string | undefined {
  const c = reply.body?.clause as { code?: unknown } | undefined;
  return typeof c?.code === 'string' ? c.code : undefined;
}

export interface RawResponse {
  status: number;
  text: string;
  sessionId: string | null;
}

/** One raw HTTP POST of a JSON-RPC message (or any body), for transport attacks the SDK would not send. */
export async function rawPost(
  url: string,
  headers: Record<string, string>,
  body: string | object,
): Promise<RawResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, sessionId: res.headers.get('mcp-session-id') };
}

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

export function toolCallMessage(name: string, args: unknown, id = 2): object {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}
