import type { LlmBlock, LlmMessage, LlmRequest, LlmResponse } from './types.js';

/**
 * The text tool-call protocol used over plain LLM requests (the llm-cli-gateway
 * backend): the tools are described in the prompt, and the model asks for calls
 * with ONE fenced block the loop parses. The loop, not the model's runtime,
 * executes every call, so the allow-list, identity, budgets, detector and
 * transcripts apply exactly as with native tool use.
 */
export const FENCE = 'tool_calls';

/** A name no tool has: a malformed block becomes a call to it, which the loop refuses and reports back. */
export const INVALID_CALL_TOOL = '__invalid_tool_call_block__';

function renderBlock(b: LlmBlock): string {
  switch (b.type) {
    case 'text':
      return b.text;
    case 'tool_use':
      return '```' + FENCE + '\n' + JSON.stringify([{ id: b.id, name: b.name, input: b.input }]) + '\n```';
    case 'tool_result':
      return `<tool_result id="${b.toolUseId}" is_error="${b.isError}">\n${b.content}\n</tool_result>`;
  }
}

function renderMessage(m: LlmMessage): string {
  return `<${m.role}>\n${m.content.map(renderBlock).join('\n')}\n</${m.role}>`;
}

export function renderPrompt(request: LlmRequest): string {
  const tools = request.tools.map((t) => ({
    name: t.name,
    description: t.description,
    input_schema: t.inputSchema,
  }));
  return [
    '<instructions>',
    request.system.trim(),
    '</instructions>',
    '<tool_protocol>',
    'You cannot run tools yourself. To call tools, end your reply with exactly one fenced block:',
    '```' + FENCE,
    '[{"name": "<tool name>", "input": { ...arguments... }}]',
    '```',
    'The service runs the calls and answers with <tool_result> elements in the next message.',
    'When you are done, reply with your final report and no block. Only these tools exist:',
    JSON.stringify(tools),
    '</tool_protocol>',
    '<conversation>',
    ...request.messages.map(renderMessage),
    '</conversation>',
    'Reply as the assistant now.',
  ].join('\n');
}

const BLOCK = new RegExp('```' + FENCE + '\\s*\\n([\\s\\S]*?)\\n?```', 'g');

/** Text + tool calls out of a model reply. Ids are assigned here (turn-scoped, deterministic). */
export function parseReply(reply: string, turn: number): LlmResponse['content'] {
  const blocks = [...reply.matchAll(BLOCK)];
  const text = reply.replace(BLOCK, '').trim();
  const content: LlmResponse['content'] = [];
  if (text) content.push({ type: 'text', text });
  if (blocks.length === 0) return content;
  const last = blocks[blocks.length - 1]![1]!;
  let calls: unknown;
  try {
    calls = JSON.parse(last);
  } catch {
    calls = null;
  }
  const list = Array.isArray(calls) ? calls : calls !== null && typeof calls === 'object' ? [calls] : null;
  if (list === null) {
    content.push({ type: 'tool_use', id: `t${turn}_1`, name: INVALID_CALL_TOOL, input: {} });
    return content;
  }
  list.slice(0, 50).forEach((c, i) => {
    const call = (c ?? {}) as { name?: unknown; input?: unknown };
    content.push({
      type: 'tool_use',
      id: `t${turn}_${i + 1}`,
      name: typeof call.name === 'string' ? call.name : INVALID_CALL_TOOL,
      input: call.input ?? {},
    });
  });
  return content;
}
