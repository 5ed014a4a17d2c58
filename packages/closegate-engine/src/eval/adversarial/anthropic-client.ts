import { z } from 'zod';

/**
 * A minimal Anthropic Messages API client on global `fetch` (no SDK
 * dependency): one POST per turn, tool definitions in, `text` / `tool_use`
 * content blocks out. Only the fields the red team needs are modelled.
 */

export const ANTHROPIC_VERSION = '2023-06-01';
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com';

/** Any failure talking to the API: network, timeout, non-2xx status, unexpected body. */
export class AnthropicApiError extends Error {
  readonly code = 'ANTHROPIC_API_ERROR';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'AnthropicApiError';
  }
}

export interface AnthropicTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error: boolean };

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface MessagesRequest {
  model: string;
  max_tokens: number;
  system: string;
  messages: ChatMessage[];
  tools: AnthropicTool[];
}

const responseSchema = z.object({
  content: z.array(
    z.union([
      z.object({ type: z.literal('text'), text: z.string() }),
      z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
      // thinking and future block types: kept out of the replay, never fatal
      z.object({ type: z.string() }).loose(),
    ]),
  ),
  stop_reason: z.string().nullable(),
});

export interface MessagesResponse {
  content: ContentBlock[];
  stopReason: string | null;
}

export interface AnthropicConfig {
  apiKey: string;
  baseUrl: string;
  /** Per-request timeout. */
  timeoutMs: number;
}

/** One Messages API call. Throws AnthropicApiError on any failure. */
export async function createMessage(cfg: AnthropicConfig, body: MessagesRequest): Promise<MessagesResponse> {
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}/v1/messages`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        'x-api-key': cfg.apiKey,
        'anthropic-version': ANTHROPIC_VERSION,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(cfg.timeoutMs),
    });
  } catch (err) {
    throw new AnthropicApiError(`request to ${url} failed: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok)
    throw new AnthropicApiError(`HTTP ${res.status} from ${url}: ${text.slice(0, 200)}`, res.status);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AnthropicApiError(`non-JSON response from ${url}: ${text.slice(0, 200)}`, res.status);
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success)
    throw new AnthropicApiError(
      `unexpected response shape from ${url}: ${parsed.error.message.slice(0, 200)}`,
    );
  const content: ContentBlock[] = [];
  for (const b of parsed.data.content as Record<string, unknown>[]) {
    if (b.type === 'text') content.push({ type: 'text', text: String(b.text) });
    else if (b.type === 'tool_use')
      content.push({ type: 'tool_use', id: String(b.id), name: String(b.name), input: b.input });
  }
  return { content, stopReason: parsed.data.stop_reason };
}
