import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { errorToolResult, jsonToolResult, principalFrom } from 'mcp-host';
import { z } from 'zod';
import { governanceShape, splitGovernance } from '../approval/governance.js';
import type { ProviderContract } from '../providers/contract.js';
import { providerList } from '../providers/registry.js';
import { commonRequestShape, toGatewayRequest } from '../tools/provider-request.js';
import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import type { JobRuntime } from './runtime.js';
import type { JobRecord } from './store.js';
import { guardedTool } from './tool-errors.js';

export const DEFAULT_PAGE_CHARS = 64 * 1024;
export const MAX_PAGE_CHARS = 1024 * 1024;

const jobId = z.string().uuid().describe('Job id returned by a *_request_async tool');

/** What a caller sees of its job: the owner is implied by who asks. */
export function jobView(job: JobRecord) {
  const { owner: _owner, ...rest } = job;
  return rest;
}

export function asyncToolName(contract: ProviderContract): string {
  return contract.toolName.replace(/_request$/, '_request_async');
}

/** Pre-slot checks (workspace, permission ceiling): a recorded refusal, or undefined to proceed. */
export type Admit = (caller: Caller, request: GatewayRequest) => Promise<RequestResult | undefined>;

function registerAsyncRequest(
  server: McpServer,
  jobs: JobRuntime,
  contract: ProviderContract,
  admit: Admit,
): void {
  server.registerTool(
    asyncToolName(contract),
    {
      title: `${contract.title} request (async job)`,
      description:
        `Queue one ${contract.title} request as a durable job and return its id at once. ` +
        'Poll llm_job_status, read output with llm_job_result, stop it with llm_job_cancel. ' +
        'An identical request of yours within the dedup window returns the existing job unless forceRefresh is set.',
      inputSchema: {
        ...commonRequestShape,
        ...contract.optionsShape,
        ...governanceShape,
        forceRefresh: z.boolean().optional().describe('Run again even if an identical recent job exists'),
      },
      annotations: { destructiveHint: true, openWorldHint: true },
    },
    async (args, extra) =>
      guardedTool(async () => {
        const caller = principalFrom(extra);
        const { forceRefresh, ...rest } = args as Record<string, unknown>;
        const { governance, rest: requestArgs } = splitGovernance(rest);
        const request = { ...toGatewayRequest(contract, requestArgs), ...governance };
        const refused = await admit(caller, request);
        if (refused !== undefined) {
          const { error, ...details } = refused;
          return errorToolResult(error!.code, error!.message, details);
        }
        const { job, deduplicated } = await jobs.submit(caller, request, {
          forceRefresh: forceRefresh === true,
        });
        return jsonToolResult({ jobId: job.id, state: job.state, provider: job.provider, deduplicated });
      }),
  );
}

/**
 * Registers the async job tools. Called only when a durable job store is
 * attached: without one these tools do not exist at all.
 */
export function registerJobTools(
  server: McpServer,
  jobs: JobRuntime,
  admit: Admit = async () => undefined,
): void {
  for (const contract of providerList()) registerAsyncRequest(server, jobs, contract, admit);
  server.registerTool(
    'llm_job_status',
    {
      description:
        'State of one of your jobs (queued, running, completed, failed, canceled, orphaned) and its result when finished.',
      inputSchema: { jobId },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guardedTool(async () =>
        jsonToolResult({ job: jobView(await jobs.status(principalFrom(extra).id, args.jobId)) }),
      ),
  );
  server.registerTool(
    'llm_job_result',
    {
      description:
        "One page of a job's captured stdout or stderr (readable while it runs and after a crash), plus its result when finished. " +
        'Continue with offset = nextOffset.',
      inputSchema: {
        jobId,
        stream: z.enum(['stdout', 'stderr']).optional().describe('Default stdout'),
        offset: z.number().int().min(0).optional().describe('Character offset (default 0)'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_PAGE_CHARS)
          .optional()
          .describe(`Characters per page (default ${DEFAULT_PAGE_CHARS})`),
      },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) =>
      guardedTool(async () => {
        const owner = principalFrom(extra).id;
        const { job, page } = await jobs.result(
          owner,
          args.jobId,
          args.stream ?? 'stdout',
          args.offset ?? 0,
          args.limit ?? DEFAULT_PAGE_CHARS,
        );
        return jsonToolResult({ job: jobView(job), page });
      }),
  );
  server.registerTool(
    'llm_job_cancel',
    {
      description:
        'Cancel one of your jobs: a queued job leaves the queue, a running one has its whole process group killed.',
      inputSchema: { jobId },
      annotations: { destructiveHint: true },
    },
    async (args, extra) =>
      guardedTool(async () =>
        jsonToolResult({ job: jobView(await jobs.cancel(principalFrom(extra).id, args.jobId)) }),
      ),
  );
}
