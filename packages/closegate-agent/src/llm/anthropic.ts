import Anthropic from '@anthropic-ai/sdk';
import { redactText } from '../store/redact.js';
import {
  LlmBackendError,
  type LlmBackend,
  type LlmBlock,
  type LlmRequest,
  type LlmResponse,
  type LlmStopReason,
} from './types.js';

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';

export interface AnthropicBackendOptions {
  /** Default ANTHROPIC_API_KEY from `env`; there is no other source (no flag, no file). */
  env?: NodeJS.ProcessEnv | undefined;
  model?: string | undefined;
  /** Messages API base URL (ANTHROPIC_BASE_URL, else the SDK's default). */
  baseURL?: string | undefined;
  /** Retries on 429 / 5xx / connection errors, with the SDK's exponential backoff (honours retry-after). */
  maxRetries?: number | undefined;
  timeoutMs?: number | undefined;
}

type Param = Anthropic.MessageParam;
type ContentParam = Anthropic.ContentBlockParam;

function toParam(block: LlmBlock): ContentParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return {
        type: 'tool_use',
        id: block.id,
        name: block.name,
        input: block.input as Record<string, unknown>,
      };
    case 'tool_result':
      return {
        type: 'tool_result',
        tool_use_id: block.toolUseId,
        content: block.content,
        is_error: block.isError,
      };
  }
}

function stopOf(reason: string | null): LlmStopReason {
  return reason === 'end_turn' || reason === 'tool_use' || reason === 'max_tokens' ? reason : 'other';
}

/**
 * The Anthropic Messages API through the official SDK, with tool use. The key
 * is read from ANTHROPIC_API_KEY only and never logged: errors are reduced to
 * status + message and redacted (with the key as a known secret).
 */
export function anthropicBackend(opts: AnthropicBackendOptions = {}): LlmBackend {
  const env = opts.env ?? process.env;
  const apiKey = env.ANTHROPIC_API_KEY;
  if (apiKey === undefined || apiKey === '')
    throw new LlmBackendError(
      'ANTHROPIC_API_KEY_MISSING',
      'the anthropic backend needs ANTHROPIC_API_KEY in the environment',
    );
  const model = opts.model ?? env.CLOSEGATE_AGENT_MODEL ?? DEFAULT_ANTHROPIC_MODEL;
  const baseURL = opts.baseURL ?? env.ANTHROPIC_BASE_URL;
  const client = new Anthropic({
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    maxRetries: opts.maxRetries ?? 4,
    timeout: opts.timeoutMs ?? 120_000,
    logLevel: 'off',
  });
  const clean = (text: string) => redactText(text, [apiKey]);
  return {
    name: 'anthropic',
    model,
    async complete(request: LlmRequest): Promise<LlmResponse> {
      const messages: Param[] = request.messages.map((m) => ({
        role: m.role,
        content: m.content.map(toParam),
      }));
      let res: Anthropic.Message;
      try {
        res = await client.messages.create(
          {
            model,
            max_tokens: request.maxOutputTokens,
            system: request.system,
            messages,
            tools: request.tools.map((t) => ({
              name: t.name,
              description: t.description,
              input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
            })),
          },
          request.signal ? { signal: request.signal } : {},
        );
      } catch (err) {
        if (err instanceof Anthropic.APIError && typeof err.status === 'number') {
          throw new LlmBackendError(
            `LLM_HTTP_${err.status}`,
            clean(`anthropic: HTTP ${err.status}: ${err.message}`),
            err.status === 429 || err.status >= 500,
          );
        }
        throw new LlmBackendError('LLM_UNAVAILABLE', clean(`anthropic: ${(err as Error).message}`), true);
      }
      const content: LlmResponse['content'] = [];
      for (const b of res.content) {
        if (b.type === 'text') content.push({ type: 'text', text: b.text });
        else if (b.type === 'tool_use')
          content.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input });
      }
      return {
        content,
        stopReason: stopOf(res.stop_reason),
        usage: { inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens },
      };
    },
  };
}
