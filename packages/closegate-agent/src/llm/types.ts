/**
 * The one interface every LLM backend implements (anthropic, llm-cli-gateway, scripted).
 * Messages use a provider-neutral shape close to the Messages API: the loop never
 * depends on one vendor's SDK types.
 */

export interface LlmTextBlock {
  type: 'text';
  text: string;
}

export interface LlmToolUseBlock {
  type: 'tool_use';
  /** Unique per call in the conversation (the backend's or one the loop assigned). */
  id: string;
  name: string;
  input: unknown;
}

export interface LlmToolResultBlock {
  type: 'tool_result';
  toolUseId: string;
  /** The tool result as text (JSON from the engine, or the agent's own refusal). */
  content: string;
  isError: boolean;
}

export type LlmBlock = LlmTextBlock | LlmToolUseBlock | LlmToolResultBlock;

export interface LlmMessage {
  role: 'user' | 'assistant';
  content: LlmBlock[];
}

/** A tool as offered to the model: only what the allow-list kept, never a credential. */
export interface LlmToolDef {
  name: string;
  description: string;
  /** JSON Schema of the arguments the model may pass (object schema). */
  inputSchema: Record<string, unknown>;
}

export interface LlmRequest {
  system: string;
  messages: LlmMessage[];
  tools: LlmToolDef[];
  maxOutputTokens: number;
  signal?: AbortSignal | undefined;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export type LlmStopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'other';

export interface LlmResponse {
  content: (LlmTextBlock | LlmToolUseBlock)[];
  stopReason: LlmStopReason;
  usage: LlmUsage;
}

export interface LlmBackend {
  /** `anthropic` | `llm-cli-gateway` | `scripted` (or a test backend's name). */
  readonly name: string;
  /** Model name where there is one (for the transcript). */
  readonly model?: string | undefined;
  complete(request: LlmRequest): Promise<LlmResponse>;
  /** Releases connections / child processes. */
  close?(): Promise<void>;
}

export const BACKEND_NAMES = ['scripted', 'anthropic', 'llm-cli-gateway'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend failure the loop reports as the run's failure reason (never carries a key). */
export class LlmBackendError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, retryable = false) {
    super(message);
    this.name = 'LlmBackendError';
    this.code = code;
    this.retryable = retryable;
  }
}
