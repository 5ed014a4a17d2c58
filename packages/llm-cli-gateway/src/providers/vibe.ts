import { z } from 'zod';
import { AdmissionError } from '../errors.js';
import {
  MAX_PROMPT_ARG_BYTES,
  promptFitsArgv,
  SAFE_TOKEN,
  type ParsedOutput,
  type PermissionLevel,
  type ProviderContract,
  type RawOutput,
} from './contract.js';
import { extractJsonObject, isRecord, str, stderrTail, tryJson } from './parse-util.js';

const AGENTS = ['default', 'plan', 'accept-edits', 'auto-approve'] as const;

const optionsShape = {
  agent: z
    .enum(AGENTS)
    .optional()
    .describe('Vibe --agent (default here: accept-edits, so shell commands stay gated)'),
  maxTurns: z.number().int().min(1).max(1000).optional().describe('Vibe --max-turns'),
};
const optionsSchema = z.object(optionsShape).strict();
export type VibeOptions = z.infer<typeof optionsSchema>;

/** Vibe's programmatic mode needs an explicit agent: left alone, older releases auto-approve every tool. */
const DEFAULT_AGENT = 'accept-edits';

/**
 * Mistral Vibe (`vibe -p`), implemented from its documented surface: the model
 * is chosen through the `VIBE_ACTIVE_MODEL` env var (there is no --model flag)
 * and `--output json` prints every message of the run as a JSON array at the end.
 */
export const vibe: ProviderContract<VibeOptions> = {
  id: 'mistral',
  binary: 'vibe',
  toolName: 'mistral_request',
  title: 'Mistral Vibe',
  commands: [
    {
      path: [],
      maxPositionals: 0,
      flags: {
        '--prompt': { takesValue: true },
        '--output': { takesValue: true, values: ['json'] },
        '--agent': { takesValue: true, values: AGENTS },
        '--max-turns': { takesValue: true, valuePattern: /^[1-9][0-9]{0,3}$/ },
        '--resume': { takesValue: true, valuePattern: SAFE_TOKEN },
      },
    },
  ],
  credentialEnv: ['MISTRAL_API_KEY', 'VIBE_HOME'],
  invocationEnv: ['VIBE_ACTIVE_MODEL'],
  knownModels: ['devstral-2', 'devstral-small', 'mistral-medium-latest'],
  supportsNewSessionId: false,
  optionsShape,
  parseOptions: (raw) => optionsSchema.parse(raw),

  build(request) {
    if (!promptFitsArgv(request.prompt)) {
      throw new AdmissionError(
        `mistral: prompt over ${MAX_PROMPT_ARG_BYTES} bytes (vibe only takes it as an argument)`,
      );
    }
    const o = request.options;
    const args = [`--prompt=${request.prompt}`, '--output=json', `--agent=${o.agent ?? DEFAULT_AGENT}`];
    if (o.maxTurns !== undefined) args.push(`--max-turns=${o.maxTurns}`);
    if (request.resumeSessionId !== undefined) args.push(`--resume=${request.resumeSessionId}`);
    const env: Record<string, string> =
      request.model === undefined ? {} : { VIBE_ACTIVE_MODEL: request.model };
    return { args, stdin: '', env };
  },

  parse: parseVibe,

  permissionLevel(options): PermissionLevel {
    switch (options.agent ?? DEFAULT_AGENT) {
      case 'auto-approve':
        return 'full';
      case 'accept-edits':
        return 'edits';
      case 'plan':
        return 'read-only';
      default:
        return 'default';
    }
  },
};

function messagesOf(stdout: string): unknown[] | undefined {
  const whole = tryJson(stdout.trim());
  if (Array.isArray(whole)) return whole;
  const obj = extractJsonObject(stdout);
  return obj !== undefined && Array.isArray(obj.messages) ? obj.messages : undefined;
}

export function parseVibe(raw: RawOutput): ParsedOutput {
  const messages = messagesOf(raw.stdout);
  const parsed: ParsedOutput = { reply: '' };
  for (const m of messages ?? []) {
    if (isRecord(m) && m.role === 'assistant' && typeof m.content === 'string' && m.content !== '') {
      parsed.reply = m.content;
    }
  }
  const sessionObj = extractJsonObject(raw.stdout);
  if (sessionObj !== undefined) parsed.providerSessionId = str(sessionObj.session_id);
  if (raw.exitCode !== 0) {
    parsed.error = stderrTail(raw.stderr) || `vibe exited with code ${raw.exitCode}`;
    parsed.reply = '';
  } else if (messages === undefined) {
    parsed.reply = raw.stdout.trim();
  }
  return parsed;
}
