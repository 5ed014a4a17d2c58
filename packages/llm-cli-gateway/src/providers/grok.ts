import { z } from 'zod';
import { AdmissionError } from '../errors.js';
import {
  MAX_PROMPT_ARG_BYTES,
  promptFitsArgv,
  SAFE_TOKEN,
  type ParsedOutput,
  type ProviderContract,
  type RawOutput,
} from './contract.js';
import { compactUsage, int, isRecord, jsonLines, str, stderrTail } from './parse-util.js';

const optionsSchema = z.object({}).strict();
export type GrokOptions = z.infer<typeof optionsSchema>;

/**
 * Grok CLI (`grok -p`), implemented from its documented surface: headless mode
 * prints one JSON object per line, either OpenAI-style messages
 * (`{role, content}`) or, in newer releases, typed events
 * (`text`, `step_finish{usage}`, `error`, `run_finish`).
 */
export const grok: ProviderContract<GrokOptions> = {
  id: 'grok',
  binary: 'grok',
  toolName: 'grok_request',
  title: 'Grok CLI',
  commands: [
    {
      path: [],
      maxPositionals: 0,
      flags: {
        '--prompt': { takesValue: true },
        '--model': { takesValue: true, valuePattern: SAFE_TOKEN },
      },
    },
  ],
  credentialEnv: ['GROK_API_KEY', 'GROK_BASE_URL', 'GROK_MODEL', 'XAI_API_KEY'],
  invocationEnv: [],
  knownModels: ['grok-4-latest', 'grok-code-fast-1', 'grok-3-latest'],
  supportsNewSessionId: false,
  optionsShape: {},
  parseOptions: (raw) => optionsSchema.parse(raw),

  build(request) {
    if (request.resumeSessionId !== undefined) {
      throw new AdmissionError('grok: resuming a provider session is not supported by the grok CLI');
    }
    if (!promptFitsArgv(request.prompt)) {
      throw new AdmissionError(
        `grok: prompt over ${MAX_PROMPT_ARG_BYTES} bytes (grok only takes it as an argument)`,
      );
    }
    const args = [`--prompt=${request.prompt}`];
    if (request.model !== undefined) args.push(`--model=${request.model}`);
    return { args, stdin: '', env: {} };
  },

  parse: parseGrok,

  // Grok's headless mode auto-approves every tool call: there is no safer mode to ask for.
  permissionLevel: () => 'full',
};

export function parseGrok(raw: RawOutput): ParsedOutput {
  const lines = jsonLines(raw.stdout);
  const parsed: ParsedOutput = { reply: '' };
  const texts: string[] = [];
  let error: string | undefined;
  for (const line of lines) {
    if (line.role === 'assistant' && typeof line.content === 'string' && line.content !== '') {
      parsed.reply = line.content;
    } else if (line.type === 'text') {
      texts.push(str(line.text) ?? '');
    } else if (line.type === 'error') {
      error = str(line.message) ?? 'grok reported an error';
    } else if (line.type === 'step_finish' && isRecord(line.usage)) {
      parsed.usage = compactUsage({
        inputTokens: int(line.usage.inputTokens),
        outputTokens: int(line.usage.outputTokens),
      });
    }
    if (typeof line.sessionID === 'string') parsed.providerSessionId = line.sessionID;
  }
  if (texts.length > 0) parsed.reply = texts.join('');
  if (lines.length === 0 && raw.exitCode === 0) parsed.reply = raw.stdout.trim();
  if (error !== undefined) parsed.error = error;
  else if (raw.exitCode !== 0) {
    parsed.error = parsed.reply.startsWith('Error: ')
      ? parsed.reply.slice('Error: '.length)
      : stderrTail(raw.stderr) || `grok exited with code ${raw.exitCode}`;
  }
  if (parsed.error !== undefined) parsed.reply = '';
  return parsed;
}
