import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { packageCli } from '../mcp-client/engine-command.js';
import { redactText } from '../store/redact.js';
import { parseReply, renderPrompt } from './text-protocol.js';
import { LlmBackendError, type LlmBackend, type LlmRequest, type LlmResponse } from './types.js';

/** Claude Code's built-in tools: none may run; the model only writes text. */
export const CLAUDE_BUILTIN_TOOLS = [
  'Bash',
  'Edit',
  'Write',
  'MultiEdit',
  'NotebookEdit',
  'Read',
  'Glob',
  'Grep',
  'WebFetch',
  'WebSearch',
  'Task',
  'TodoWrite',
];

export interface GatewayBackendOptions {
  /** The gateway over Streamable HTTP (with its bearer token) ... */
  url?: string | undefined;
  token?: string | undefined;
  /** ... or started as a stdio child (default: this workspace's llm-cli-gateway). */
  stdio?:
    | { command: string; args: string[]; env?: Record<string, string> | undefined; cwd?: string | undefined }
    | undefined;
  model?: string | undefined;
  timeoutMs?: number | undefined;
}

/** The gateway CLI of this workspace (sources through tsx in a checkout, else dist). */
export function gatewayCommand(): { command: string; args: string[] } {
  try {
    return packageCli('llm-cli-gateway', 'GATEWAY_NOT_FOUND');
  } catch (err) {
    throw new LlmBackendError('GATEWAY_NOT_FOUND', `${(err as Error).message}; pass --gateway-url`);
  }
}

/**
 * The model reached through this repository's llm-cli-gateway (every call lands
 * in its flight recorder). One `claude_request` per turn with the whole
 * conversation rendered by the text tool-call protocol (text-protocol.ts);
 * managed launch with NO MCP server (`--strict-mcp-config`, empty config) and
 * every built-in tool disallowed, so the CLI can only answer with text.
 */
export async function gatewayBackend(opts: GatewayBackendOptions = {}): Promise<LlmBackend> {
  const client = new Client({ name: 'closegate-agent', version: '0.1.0' });
  const transport =
    opts.url !== undefined
      ? new StreamableHTTPClientTransport(new URL(opts.url), {
          requestInit: { headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} },
        })
      : (() => {
          const spec = opts.stdio ?? gatewayCommand();
          return new StdioClientTransport({
            command: spec.command,
            args: spec.args,
            env: { ...getDefaultEnvironment(), ...(opts.stdio?.env ?? {}) },
            ...(opts.stdio?.cwd ? { cwd: opts.stdio.cwd } : {}),
            stderr: 'pipe',
          });
        })();
  try {
    await client.connect(transport);
  } catch (err) {
    throw new LlmBackendError(
      'GATEWAY_UNAVAILABLE',
      `cannot connect to llm-cli-gateway: ${(err as Error).message}`,
    );
  }
  const secrets = opts.token ? [opts.token] : [];
  return {
    name: 'llm-cli-gateway',
    model: opts.model ?? 'claude',
    async complete(request: LlmRequest): Promise<LlmResponse> {
      const turn = request.messages.filter((m) => m.role === 'assistant').length + 1;
      const args: Record<string, unknown> = {
        prompt: renderPrompt(request),
        approvalStrategy: 'mcp_managed',
        mcpServers: [],
        disallowedTools: CLAUDE_BUILTIN_TOOLS,
        timeoutMs: opts.timeoutMs ?? 300_000,
      };
      if (opts.model) args.model = opts.model;
      const raw = (await client.callTool({ name: 'claude_request', arguments: args }, undefined, {
        ...(request.signal ? { signal: request.signal } : {}),
        timeout: (opts.timeoutMs ?? 300_000) + 10_000,
      })) as CallToolResult;
      const text = raw.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = {};
      }
      if (raw.isError === true) {
        const err = (body.error ?? {}) as { code?: unknown; message?: unknown };
        const code = typeof err.code === 'string' ? err.code : 'GATEWAY_ERROR';
        throw new LlmBackendError(
          `GATEWAY_${code}`.replace(/^GATEWAY_GATEWAY_/, 'GATEWAY_'),
          redactText(`llm-cli-gateway: ${String(err.message ?? text).slice(0, 500)}`, secrets),
        );
      }
      if (body.deferred === true)
        throw new LlmBackendError(
          'GATEWAY_DEFERRED',
          'llm-cli-gateway turned the request into a job; raise sync_deadline_seconds',
        );
      const reply = typeof body.reply === 'string' ? body.reply : '';
      const usage = (body.usage ?? {}) as { inputTokens?: unknown; outputTokens?: unknown };
      const content = parseReply(reply, turn);
      return {
        content,
        stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn',
        usage: {
          inputTokens: typeof usage.inputTokens === 'number' ? usage.inputTokens : 0,
          outputTokens: typeof usage.outputTokens === 'number' ? usage.outputTokens : 0,
        },
      };
    },
    async close() {
      await client.close();
    },
  };
}
