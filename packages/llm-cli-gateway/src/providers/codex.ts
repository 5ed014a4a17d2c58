import { z } from 'zod';
import {
  SAFE_TOKEN,
  type FatalLineWatcher,
  type ParsedOutput,
  type PermissionLevel,
  type ProviderContract,
  type RawOutput,
} from './contract.js';
import { compactUsage, int, isRecord, jsonLines, str, stderrTail, tryJson } from './parse-util.js';

const SANDBOXES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
/** After this many consecutive "Reconnecting..." errors codex is offline: it never exits by itself. */
export const CODEX_MAX_RECONNECTS = 5;

const optionsShape = {
  sandbox: z.enum(SANDBOXES).optional().describe('Codex --sandbox policy for model-generated shell commands'),
};
const optionsSchema = z.object(optionsShape).strict();
export type CodexOptions = z.infer<typeof optionsSchema>;

const common = {
  '--json': { takesValue: false },
  '--skip-git-repo-check': { takesValue: false },
  '--model': { takesValue: true, valuePattern: SAFE_TOKEN },
} as const;

export const codex: ProviderContract<CodexOptions> = {
  id: 'codex',
  binary: 'codex',
  toolName: 'codex_request',
  title: 'Codex',
  commands: [
    {
      path: ['exec'],
      maxPositionals: 1,
      flags: { ...common, '--sandbox': { takesValue: true, values: SANDBOXES } },
    },
    {
      // `exec resume` has no --sandbox; the same policy is set through its config override.
      path: ['exec', 'resume'],
      maxPositionals: 2,
      flags: {
        ...common,
        '--config': { takesValue: true, values: SANDBOXES.map((s) => `sandbox_mode="${s}"`) },
      },
    },
  ],
  credentialEnv: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'CODEX_HOME', 'CODEX_API_KEY'],
  invocationEnv: [],
  knownModels: ['gpt-5-codex', 'gpt-5', 'o3', 'o4-mini'],
  supportsNewSessionId: false,
  optionsShape,
  parseOptions: (raw) => optionsSchema.parse(raw),

  build(request) {
    const base = ['--json', '--skip-git-repo-check'];
    if (request.model !== undefined) base.push(`--model=${request.model}`);
    const sandbox = request.options.sandbox;
    // The prompt always travels on stdin (`-`), so it can never be read as a flag.
    if (request.resumeSessionId !== undefined) {
      const cfg = sandbox === undefined ? [] : [`--config=sandbox_mode="${sandbox}"`];
      return {
        args: ['exec', 'resume', ...base, ...cfg, request.resumeSessionId, '-'],
        stdin: request.prompt,
        env: {},
      };
    }
    const sb = sandbox === undefined ? [] : [`--sandbox=${sandbox}`];
    return { args: ['exec', ...base, ...sb, '-'], stdin: request.prompt, env: {} };
  },

  parse: parseCodex,

  fatalLineWatcher(): FatalLineWatcher {
    let reconnects = 0;
    return (line) => {
      const event = tryJson(line.trim());
      if (!isRecord(event) || event.type !== 'error') return undefined;
      const message = str(event.message) ?? '';
      if (!message.startsWith('Reconnecting')) return undefined;
      reconnects += 1;
      return reconnects > CODEX_MAX_RECONNECTS ? `codex cannot reach its API: ${message}` : undefined;
    };
  },

  permissionLevel(options): PermissionLevel {
    if (options.sandbox === 'danger-full-access') return 'full';
    if (options.sandbox === 'workspace-write') return 'edits';
    if (options.sandbox === 'read-only') return 'read-only';
    return 'default';
  },
};

export function parseCodex(raw: RawOutput): ParsedOutput {
  const parsed: ParsedOutput = { reply: '' };
  let lastError: string | undefined;
  let failed: string | undefined;
  let completed = false;
  for (const event of jsonLines(raw.stdout)) {
    const item = isRecord(event.item) ? event.item : undefined;
    switch (event.type) {
      case 'thread.started':
        parsed.providerSessionId = str(event.thread_id);
        break;
      case 'item.completed':
        if (item?.type === 'agent_message') parsed.reply = str(item.text) ?? parsed.reply;
        break;
      case 'turn.completed': {
        completed = true;
        const u = isRecord(event.usage) ? event.usage : {};
        parsed.usage = compactUsage({
          inputTokens: int(u.input_tokens),
          outputTokens: int(u.output_tokens),
          cacheReadTokens: int(u.cached_input_tokens),
        });
        break;
      }
      case 'turn.failed':
        failed = (isRecord(event.error) ? str(event.error.message) : undefined) ?? 'codex turn failed';
        break;
      case 'error':
        lastError = str(event.message);
        break;
    }
  }
  if (failed !== undefined) parsed.error = failed;
  else if (!completed && raw.exitCode !== 0)
    parsed.error = lastError ?? (stderrTail(raw.stderr) || `codex exited with code ${raw.exitCode}`);
  else if (!completed && parsed.reply === '' && lastError !== undefined) parsed.error = lastError;
  return parsed;
}
