import fs from 'node:fs';
import { z } from 'zod';
import { LlmBackendError, type LlmBackend, type LlmRequest, type LlmResponse } from './types.js';

const scriptSchema = z
  .object({
    version: z.literal(1),
    description: z.string().max(2000).optional(),
    turns: z
      .array(
        z
          .object({
            text: z.string().max(20_000).optional(),
            tool_calls: z
              .array(z.object({ name: z.string().min(1).max(100), input: z.unknown() }).strict())
              .max(50)
              .optional(),
          })
          .strict(),
      )
      .min(1)
      .max(500),
  })
  .strict();

export type ToolUseScript = z.infer<typeof scriptSchema>;

export function parseScript(raw: unknown, where = 'script'): ToolUseScript {
  const parsed = scriptSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LlmBackendError(
      'SCRIPT_INVALID',
      `${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

export function loadScript(file: string): ToolUseScript {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LlmBackendError('SCRIPT_INVALID', `cannot read script ${file}: ${(err as Error).message}`);
  }
  return parseScript(raw, file);
}

/** A stable, content-based token estimate (about 4 characters a token): deterministic for tests. */
const estimate = (chars: number) => Math.max(1, Math.ceil(chars / 4));

/**
 * Deterministic replay of a recorded tool-use script, no network. Turn N of a
 * conversation is the script's turn N (N = assistant messages so far), so one
 * backend serves any number of runs. Past the end it answers a closing text.
 */
export function scriptedBackend(script: ToolUseScript): LlmBackend {
  return {
    name: 'scripted',
    model: 'scripted',
    async complete(request: LlmRequest): Promise<LlmResponse> {
      const turn = request.messages.filter((m) => m.role === 'assistant').length;
      const step = script.turns[turn] ?? { text: 'The script has no more turns; stopping here.' };
      const content: LlmResponse['content'] = [];
      if (step.text) content.push({ type: 'text', text: step.text });
      (step.tool_calls ?? []).forEach((c, i) =>
        content.push({
          type: 'tool_use',
          id: `scripted_${turn + 1}_${i + 1}`,
          name: c.name,
          input: c.input ?? {},
        }),
      );
      const inputChars =
        request.system.length +
        JSON.stringify(request.messages).length +
        JSON.stringify(request.tools).length;
      return {
        content,
        stopReason: step.tool_calls?.length ? 'tool_use' : 'end_turn',
        usage: { inputTokens: estimate(inputChars), outputTokens: estimate(JSON.stringify(step).length) },
      };
    },
  };
}
