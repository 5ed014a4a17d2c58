import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fake Anthropic Messages API on 127.0.0.1 for the SDK's baseURL (tests only). */
export interface Seen {
  headers: http.IncomingHttpHeaders;
  body: {
    model: string;
    system: string;
    max_tokens: number;
    tools: { name: string; input_schema: { properties?: Record<string, unknown> } }[];
    messages: {
      role: string;
      content: { type: string; tool_use_id?: string; content?: string; is_error?: boolean }[];
    }[];
  };
}

export type Reply = { status: number; headers?: Record<string, string>; body: unknown };

/** A fake Messages API on loopback: each POST /v1/messages gets the next reply of `plan(seen)`. */
export async function fakeMessagesApi(plan: (seen: Seen[]) => Reply) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/messages') {
        res.writeHead(404).end();
        return;
      }
      seen.push({ headers: req.headers, body: JSON.parse(raw) as Seen['body'] });
      const reply = plan(seen);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...(reply.headers ?? {}) });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let n = 0;
export const message = (content: unknown[], stop = 'tool_use') => ({
  status: 200,
  body: {
    id: `msg_${++n}`,
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 20 },
  },
});
export const toolUse = (name: string, input: unknown, text?: string) =>
  message([...(text ? [{ type: 'text', text }] : []), { type: 'tool_use', id: `toolu_${++n}`, name, input }]);
