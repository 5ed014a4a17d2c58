import { z } from 'zod';
import {
  promptFitsArgv,
  SAFE_TOKEN,
  UUID,
  type ParsedOutput,
  type PermissionLevel,
  type ProviderContract,
  type RawOutput,
  type Usage,
} from './contract.js';
import { compactUsage, extractJsonObject, int, isRecord, str, stderrTail } from './parse-util.js';

const APPROVAL_MODES = ['default', 'auto_edit', 'yolo', 'plan'] as const;

const optionsShape = {
  approvalMode: z.enum(APPROVAL_MODES).optional().describe('Gemini --approval-mode'),
};
const optionsSchema = z.object(optionsShape).strict();
export type GeminiOptions = z.infer<typeof optionsSchema>;

export const gemini: ProviderContract<GeminiOptions> = {
  id: 'gemini',
  binary: 'gemini',
  toolName: 'gemini_request',
  title: 'Gemini CLI',
  commands: [
    {
      path: [],
      maxPositionals: 0,
      flags: {
        // The prompt is this flag's value, always in the one-token `--prompt=VALUE` form.
        '--prompt': { takesValue: true },
        '--output-format': { takesValue: true, values: ['json'] },
        '--model': { takesValue: true, valuePattern: SAFE_TOKEN },
        '--approval-mode': { takesValue: true, values: APPROVAL_MODES },
        '--resume': { takesValue: true, valuePattern: SAFE_TOKEN },
        '--session-id': { takesValue: true, valuePattern: UUID },
      },
    },
  ],
  credentialEnv: [
    'GEMINI_API_KEY',
    'GOOGLE_API_KEY',
    'GOOGLE_CLOUD_PROJECT',
    'GOOGLE_GENAI_USE_GCA',
    'GEMINI_CLI_HOME',
  ],
  cloudEnv: {
    vertex: ['GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_LOCATION', 'GOOGLE_GENAI_USE_VERTEXAI'],
  },
  invocationEnv: [],
  knownModels: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-2.5-flash-lite'],
  supportsNewSessionId: true,
  optionsShape,
  parseOptions: (raw) => optionsSchema.parse(raw),

  build(request) {
    // `--prompt=VALUE` is one argv element: yargs cannot read the value as a flag.
    // A prompt too big for argv goes on stdin, which gemini prepends to `--prompt`.
    const inArgv = promptFitsArgv(request.prompt);
    const args = [`--prompt=${inArgv ? request.prompt : ''}`, '--output-format=json'];
    if (request.model !== undefined) args.push(`--model=${request.model}`);
    if (request.options.approvalMode !== undefined)
      args.push(`--approval-mode=${request.options.approvalMode}`);
    if (request.resumeSessionId !== undefined) args.push(`--resume=${request.resumeSessionId}`);
    else if (request.newSessionId !== undefined) args.push(`--session-id=${request.newSessionId}`);
    return { args, stdin: inArgv ? '' : request.prompt, env: {} };
  },

  parse: parseGemini,

  permissionLevel(options): PermissionLevel {
    switch (options.approvalMode) {
      case 'yolo':
        return 'full';
      case 'auto_edit':
        return 'edits';
      case 'plan':
        return 'read-only';
      default:
        return 'default';
    }
  },
};

function geminiUsage(stats: unknown): Usage | undefined {
  if (!isRecord(stats) || !isRecord(stats.models)) return undefined;
  const total: Usage = {};
  const add = (k: keyof Usage, v: number | undefined) => {
    if (v !== undefined) total[k] = (total[k] ?? 0) + v;
  };
  for (const model of Object.values(stats.models)) {
    const tokens = isRecord(model) && isRecord(model.tokens) ? model.tokens : undefined;
    if (tokens === undefined) continue;
    add('inputTokens', int(tokens.prompt));
    add('outputTokens', int(tokens.candidates));
    add('cacheReadTokens', int(tokens.cached));
  }
  return compactUsage(total);
}

export function parseGemini(raw: RawOutput): ParsedOutput {
  // Success JSON goes to stdout; on failure gemini prints its JSON error to stderr.
  const obj = extractJsonObject(raw.stdout) ?? extractJsonObject(raw.stderr);
  if (obj === undefined) {
    return {
      reply: '',
      error: stderrTail(raw.stderr) || `gemini exited with code ${raw.exitCode} without JSON output`,
    };
  }
  const parsed: ParsedOutput = {
    reply: str(obj.response) ?? '',
    providerSessionId: str(obj.session_id),
    usage: geminiUsage(obj.stats),
  };
  if (isRecord(obj.error)) {
    const code = obj.error.code;
    const message = str(obj.error.message) ?? 'gemini reported an error';
    parsed.error = code === undefined ? message : `${message} (gemini error code ${String(code)})`;
  } else if (raw.exitCode !== 0) {
    parsed.error = stderrTail(raw.stderr) || `gemini exited with code ${raw.exitCode}`;
  }
  return parsed;
}
