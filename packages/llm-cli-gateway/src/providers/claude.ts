import { z } from 'zod';
import {
  promptFitsArgv,
  SAFE_TOKEN,
  UUID,
  type ParsedOutput,
  type PermissionLevel,
  type ProviderContract,
  type RawOutput,
} from './contract.js';
import {
  compactUsage,
  costString,
  extractJsonObject,
  int,
  jsonLines,
  str,
  stderrTail,
} from './parse-util.js';

const PERMISSION_MODES = ['acceptEdits', 'auto', 'bypassPermissions', 'default', 'dontAsk', 'plan'] as const;

/** A Claude tool name, optionally with a rule in parentheses, e.g. `Bash(git log:*)`; no commas or control characters. */
// eslint-disable-next-line no-control-regex
const TOOL = /^[A-Za-z][A-Za-z0-9_]*(\([^(),\0-\x1f]*\))?$/;
const TOOL_LIST = new RegExp(`^${src(TOOL)}(,${src(TOOL)})*$`);
function src(re: RegExp): string {
  return re.source.slice(1, -1);
}

/** The per-request file written by the approval gate (approval/mcp-config.ts). */
const MANAGED_MCP_CONFIG = /^\/[^\0\r\n]*\/llm-gw-mcp-[A-Za-z0-9]{6}\/mcp-config\.json$/;

const optionsShape = {
  permissionMode: z.enum(PERMISSION_MODES).optional().describe('Claude --permission-mode'),
  allowedTools: z.array(z.string().regex(TOOL)).max(100).optional().describe('Claude --allowed-tools'),
  disallowedTools: z.array(z.string().regex(TOOL)).max(100).optional().describe('Claude --disallowed-tools'),
  continueLast: z
    .boolean()
    .optional()
    .describe('Claude --continue: continue the most recent conversation in the working directory'),
};
const optionsSchema = z.object(optionsShape).strict();
export type ClaudeOptions = z.infer<typeof optionsSchema>;

export const claude: ProviderContract<ClaudeOptions> = {
  id: 'claude',
  binary: 'claude',
  toolName: 'claude_request',
  title: 'Claude Code',
  commands: [
    {
      path: [],
      maxPositionals: 1,
      flags: {
        '-p': { takesValue: false },
        '--output-format': { takesValue: true, values: ['json', 'stream-json'] },
        '--model': { takesValue: true, valuePattern: SAFE_TOKEN },
        '--resume': { takesValue: true, valuePattern: SAFE_TOKEN },
        '--session-id': { takesValue: true, valuePattern: UUID },
        '--continue': { takesValue: false },
        '--allowed-tools': { takesValue: true, valuePattern: TOOL_LIST },
        '--disallowed-tools': { takesValue: true, valuePattern: TOOL_LIST },
        '--permission-mode': { takesValue: true, values: PERMISSION_MODES },
        // Only for approved mcp_managed launches: the gateway's own generated file, never a caller's path.
        '--mcp-config': { takesValue: true, valuePattern: MANAGED_MCP_CONFIG },
        '--strict-mcp-config': { takesValue: false },
      },
    },
  ],
  credentialEnv: [
    'ANTHROPIC_API_KEY',
    'ANTHROPIC_AUTH_TOKEN',
    'ANTHROPIC_BASE_URL',
    'CLAUDE_CODE_OAUTH_TOKEN',
    'CLAUDE_CONFIG_DIR',
  ],
  cloudEnv: {
    bedrock: [
      'CLAUDE_CODE_USE_BEDROCK',
      'AWS_REGION',
      'AWS_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_BEARER_TOKEN_BEDROCK',
    ],
    vertex: [
      'CLAUDE_CODE_USE_VERTEX',
      'ANTHROPIC_VERTEX_PROJECT_ID',
      'CLOUD_ML_REGION',
      'GOOGLE_APPLICATION_CREDENTIALS',
    ],
  },
  invocationEnv: [],
  knownModels: ['sonnet', 'opus', 'haiku'],
  supportsNewSessionId: true,
  optionsShape,
  parseOptions: (raw) => optionsSchema.parse(raw),

  build(request) {
    const o = request.options;
    const args = ['-p', '--output-format=json'];
    if (request.model !== undefined) args.push(`--model=${request.model}`);
    if (request.resumeSessionId !== undefined) args.push(`--resume=${request.resumeSessionId}`);
    else if (request.newSessionId !== undefined) args.push(`--session-id=${request.newSessionId}`);
    else if (o.continueLast === true) args.push('--continue');
    if (o.allowedTools?.length) args.push(`--allowed-tools=${o.allowedTools.join(',')}`);
    if (o.disallowedTools?.length) args.push(`--disallowed-tools=${o.disallowedTools.join(',')}`);
    if (request.managed !== undefined) {
      // mcp_managed: only the generated MCP config, and the configured fixed permission mode.
      args.push(`--mcp-config=${request.managed.mcpConfigPath}`, '--strict-mcp-config');
      args.push(`--permission-mode=${request.managed.permissionMode}`);
    } else if (o.permissionMode !== undefined) args.push(`--permission-mode=${o.permissionMode}`);
    // The prompt goes after `--` (never parsed as an option) or, when too big
    // for one argv element, on stdin, which `claude -p` reads when no prompt is given.
    if (promptFitsArgv(request.prompt)) return { args: [...args, '--', request.prompt], stdin: '', env: {} };
    return { args, stdin: request.prompt, env: {} };
  },

  parse: parseClaude,

  permissionLevel(options): PermissionLevel {
    switch (options.permissionMode) {
      case 'bypassPermissions':
        return 'full';
      case 'acceptEdits':
      case 'auto':
        return 'edits';
      case 'plan':
        return 'read-only';
      default:
        return 'default';
    }
  },
};

function findResult(stdout: string): Record<string, unknown> | undefined {
  // json: one object; stream-json: JSONL whose last `type: "result"` line holds the outcome.
  const whole = extractJsonObject(stdout);
  if (whole?.type === 'result') return whole;
  return jsonLines(stdout)
    .filter((l) => l.type === 'result')
    .pop();
}

export function parseClaude(raw: RawOutput): ParsedOutput {
  const result = findResult(raw.stdout);
  if (result === undefined) {
    const why = stderrTail(raw.stderr) || stderrTail(raw.stdout);
    return { reply: '', error: why || `claude exited with code ${raw.exitCode} without a JSON result` };
  }
  const usage = (result.usage ?? {}) as Record<string, unknown>;
  const parsed: ParsedOutput = {
    reply: str(result.result) ?? '',
    providerSessionId: str(result.session_id),
    costUsd: costString(result.total_cost_usd),
    usage: compactUsage({
      inputTokens: int(usage.input_tokens),
      outputTokens: int(usage.output_tokens),
      cacheReadTokens: int(usage.cache_read_input_tokens),
      cacheCreationTokens: int(usage.cache_creation_input_tokens),
    }),
  };
  if (result.is_error === true) {
    parsed.error =
      str(result.result) || str(result.subtype) || stderrTail(raw.stderr) || 'claude reported an error';
    parsed.reply = '';
  } else if (raw.exitCode !== 0) {
    parsed.error = stderrTail(raw.stderr) || `claude exited with code ${raw.exitCode}`;
  }
  return parsed;
}
