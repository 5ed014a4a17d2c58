import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { errorToolResult, jsonToolResult, principalFrom } from 'mcp-host';
import { z } from 'zod';
import { SAFE_TOKEN, type ProviderContract } from '../providers/contract.js';
import type { GatewayRequest } from '../service/types.js';
import { governanceShape, splitGovernance } from '../approval/governance.js';
import { guarded, type ToolContext } from './context.js';

export const MAX_PROMPT_CHARS = 4_000_000;

/** Inputs every provider tool shares; provider-specific options are merged in. */
export const commonRequestShape = {
  prompt: z
    .string()
    .min(1)
    .max(MAX_PROMPT_CHARS)
    .describe('The prompt. Passed after `--`, on stdin or as one flag value: never parsed as a flag.'),
  model: z
    .string()
    .regex(SAFE_TOKEN, 'model must be a plain model name')
    .optional()
    .describe('Model name or alias'),
  sessionId: z.string().uuid().optional().describe('Gateway session to continue (see session_list)'),
  useActiveSession: z.boolean().optional().describe("Continue this CLI's active gateway session"),
  newSession: z.boolean().optional().describe('Start a new gateway session for this request'),
  sessionDescription: z
    .string()
    .max(200)
    .optional()
    .describe('Description of the new session (never the prompt)'),
  providerSessionId: z
    .string()
    .regex(SAFE_TOKEN)
    .optional()
    .describe("Resume the CLI's own session id directly"),
  workingDir: z
    .string()
    .max(4096)
    .optional()
    .describe(
      'Directory to run in. Over HTTP: relative to the workspace (default: its root). ' +
        'Over stdio: an absolute path, or relative to the workspace; default: a fresh private temp dir',
    ),
  workspace: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a workspace alias')
    .optional()
    .describe("Registered workspace alias to run in (default: the session's, else [workspaces] default)"),
  timeoutMs: z.number().int().min(100).max(86_400_000).optional().describe('Total timeout (ms)'),
  idleTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(86_400_000)
    .optional()
    .describe('Kill after this long without output (ms)'),
};

const COMMON_KEYS = new Set(Object.keys(commonRequestShape));

/** Splits tool arguments into the common request fields and the provider options. */
export function toGatewayRequest(contract: ProviderContract, args: Record<string, unknown>): GatewayRequest {
  const options: Record<string, unknown> = {};
  const common: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined) continue;
    (COMMON_KEYS.has(k) ? common : options)[k] = v;
  }
  return {
    ...(common as Omit<GatewayRequest, 'provider' | 'options'>),
    provider: contract.id,
    options,
  } as GatewayRequest;
}

export function registerProviderRequestTool(
  server: McpServer,
  ctx: ToolContext,
  contract: ProviderContract,
): void {
  server.registerTool(
    contract.toolName,
    {
      title: `${contract.title} request`,
      description:
        `Run one non-interactive ${contract.title} (\`${contract.binary}\`) request and wait for its reply. ` +
        'Returns reply, usage, provider session id, exit code, duration and a correlation id. ' +
        'Provider failures (not logged in, auth errors, timeouts, non-zero exits) come back as errors with the provider message.',
      inputSchema: { ...commonRequestShape, ...contract.optionsShape, ...governanceShape },
      annotations: { destructiveHint: true, openWorldHint: true },
    },
    async (args, extra) =>
      guarded(async () => {
        const caller = principalFrom(extra);
        const { governance, rest } = splitGovernance(args as Record<string, unknown>);
        const request = { ...toGatewayRequest(contract, rest), ...governance };
        const outcome = await ctx.plane.runSync(caller, request, {
          signal: extra.signal,
          deferCompletionRecord: true,
        });
        if (outcome.kind === 'deferred') {
          return jsonToolResult({
            deferred: true,
            jobId: outcome.job.id,
            state: outcome.job.state,
            message: `still running after ${ctx.plane.syncDeadlineMs / 1000} s; it continues as a job: poll llm_job_status, read llm_job_result`,
          });
        }
        const result = outcome.result;
        if (result.ok) return jsonToolResult(result);
        const { error, ...details } = result;
        return errorToolResult(error!.code, error!.message, { ...details, stderr: error!.stderr });
      }),
  );
}
