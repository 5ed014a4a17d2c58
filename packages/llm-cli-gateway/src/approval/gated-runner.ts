import type { ApprovalStrategy } from '../config/schema.js';
import type { RunHooks } from '../service/request-service.js';
import type { Caller, GatewayRequest, RequestResult } from '../service/types.js';
import { ApprovalError } from './errors.js';
import type { ApprovalManager } from './manager.js';

/** Request fields that steer the approval gate; never passed to the CLI as options. */
export interface Governance {
  readonly approvalStrategy?: ApprovalStrategy;
  readonly mcpServers?: readonly string[];
  readonly review?: boolean;
}

/** What the gate hands to the core for an approved managed launch. */
export interface ManagedLaunchSpec {
  readonly mcpConfigPath: string;
  readonly permissionMode: string;
}

export type GovernedRequest = GatewayRequest & Governance & { readonly managed?: ManagedLaunchSpec };

export type Runner = (caller: Caller, request: GatewayRequest, hooks: RunHooks) => Promise<RequestResult>;

function refusal(request: GatewayRequest, err: ApprovalError): RequestResult {
  return {
    correlationId: err.decisionId ?? 'no-decision',
    cli: request.provider,
    ok: false,
    reply: '',
    model: request.model,
    exitCode: null,
    durationMs: 0,
    error: { code: err.code as never, message: err.message },
  };
}

/** Strategies from weakest to strictest: a request may move right, never left. */
const STRICTNESS: Readonly<Record<ApprovalStrategy, number>> = { legacy: 0, mcp_managed: 1 };

/**
 * The strategy a request runs under: the operator's, unless the request asks
 * for a stricter one. Asking for a weaker one is refused (not silently
 * upgraded), so the caller learns the operator's setting binds it.
 */
export function effectiveStrategy(
  configured: ApprovalStrategy,
  requested: ApprovalStrategy | undefined,
): ApprovalStrategy | ApprovalError {
  if (requested === undefined) return configured;
  if (STRICTNESS[requested] >= STRICTNESS[configured]) return requested;
  return new ApprovalError(
    'APPROVAL_STRATEGY_LOCKED',
    `approvalStrategy "${requested}" is weaker than the operator's [approval] strategy = "${configured}"; a request may only ask for a stricter strategy`,
  );
}

/**
 * Wraps the single request path with the approval gate. `legacy` passes
 * through unchanged. `mcp_managed` is decided before anything is spawned:
 * denied, unsupported or unrecordable → a failed result and no process; approved
 * → the run gets the generated MCP config and fixed permission mode, and the
 * config file is removed when the run ends, whatever the outcome.
 */
export function gatedRunner(
  approvals: ApprovalManager | null,
  defaultStrategy: ApprovalStrategy,
  run: Runner,
): Runner {
  return async (caller, request, hooks) => {
    const governed = request as GovernedRequest;
    const strategy = effectiveStrategy(defaultStrategy, governed.approvalStrategy);
    if (strategy instanceof ApprovalError) return refusal(request, strategy);
    if (strategy === 'legacy')
      return run(caller, { ...request, managed: undefined } as GatewayRequest, hooks);
    if (approvals === null) {
      return refusal(
        request,
        new ApprovalError(
          'APPROVAL_UNAVAILABLE',
          'mcp_managed requested but no approval manager is configured',
        ),
      );
    }
    let launch;
    try {
      launch = approvals.authorize({
        owner: caller.id,
        provider: request.provider,
        prompt: request.prompt,
        options: request.options,
        mcpServers: governed.mcpServers,
        review: governed.review,
      });
    } catch (err) {
      if (err instanceof ApprovalError) return refusal(request, err);
      return refusal(
        request,
        new ApprovalError('APPROVAL_UNAVAILABLE', `approval failed: ${(err as Error).message}`),
      );
    }
    try {
      const managed: ManagedLaunchSpec = {
        mcpConfigPath: launch.mcpConfig!.path,
        permissionMode: launch.permissionMode,
      };
      return await run(caller, { ...request, managed } as GatewayRequest, hooks);
    } finally {
      launch.cleanup();
    }
  };
}
