import { createHash } from 'node:crypto';
import type { ApprovalThreshold, ManagedClaudeMode, McpServerConfig } from '../config/schema.js';
import { ApprovalError } from './errors.js';
import { DecisionLog, type ApprovalDecision } from './decision-log.js';
import { writeManagedMcpConfig, type ManagedMcpConfig } from './mcp-config.js';
import { assessRisk, decide, THRESHOLD_MAX_SCORE, type ApprovalInput } from './risk.js';

/** Providers whose MCP configuration the gateway can pin per request (claude: --mcp-config + --strict-mcp-config). */
export const MCP_ISOLATING_PROVIDERS: ReadonlySet<string> = new Set(['claude']);

export interface ApprovalManagerOptions {
  readonly dbPath: string;
  readonly threshold: ApprovalThreshold;
  readonly claudePermissionMode: ManagedClaudeMode;
  /** `[mcp_servers.<name>]`: the only servers a managed request may ask for. */
  readonly eligibleServers: Readonly<Record<string, McpServerConfig>>;
  /** Where per-request MCP configs are written (default: the OS temp dir). */
  readonly tempDir?: string;
}

/** What an approved managed request launches with. Call `cleanup()` after the run. */
export interface ManagedLaunch {
  readonly decision: ApprovalDecision;
  /** Present for Claude: the generated config to pass as `--mcp-config <path> --strict-mcp-config`. */
  readonly mcpConfig?: ManagedMcpConfig;
  /** The fixed permission mode the CLI runs with, whatever the caller asked. */
  readonly permissionMode: ManagedClaudeMode;
  cleanup(): void;
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/**
 * The approval gate for `approvalStrategy: "mcp_managed"`. `authorize` either
 * returns an approved, recorded decision or throws: there is no path on which
 * a managed request proceeds without an approved decision in the log.
 */
export class ApprovalManager {
  private readonly log: DecisionLog;
  private readonly eligible: ReadonlySet<string>;

  constructor(private readonly opts: ApprovalManagerOptions) {
    this.log = new DecisionLog(opts.dbPath);
    this.eligible = new Set(Object.keys(opts.eligibleServers));
  }

  get path(): string {
    return this.log.path;
  }

  /** Assesses and records a decision (approved or denied). Throws only if it cannot be recorded. */
  decide(input: ApprovalInput, threshold: ApprovalThreshold = this.opts.threshold): ApprovalDecision {
    const assessment = assessRisk(input, this.eligible);
    const blockers = [...assessment.blockers];
    if (!MCP_ISOLATING_PROVIDERS.has(input.provider)) {
      blockers.unshift(
        `${input.provider} cannot isolate its MCP configuration per request; mcp_managed is refused`,
      );
    }
    const verdict = decide({ ...assessment, blockers }, threshold);
    return this.log.append(input.owner, {
      provider: input.provider,
      decision: verdict,
      threshold,
      score: assessment.score,
      maxScore: THRESHOLD_MAX_SCORE[threshold],
      factors: assessment.factors.map((f) => ({ ...f })),
      blockers,
      reviewIntegrity: {
        status: assessment.reviewIntegrity.status,
        reasons: [...assessment.reviewIntegrity.reasons],
      },
      mcpServers: [...new Set(input.mcpServers ?? [])],
      permissionLevel: assessment.permissionLevel,
      promptSha256: sha256(input.prompt),
    });
  }

  /**
   * Decides before launch. Denied, unsupported provider or a decision that
   * cannot be recorded: throws `ApprovalError` and nothing may be spawned.
   */
  authorize(input: ApprovalInput, threshold?: ApprovalThreshold): ManagedLaunch {
    let decision: ApprovalDecision;
    try {
      decision = this.decide(input, threshold);
    } catch (err) {
      throw new ApprovalError(
        'APPROVAL_UNAVAILABLE',
        `approval decision could not be recorded, request refused: ${(err as Error).message}`,
      );
    }
    if (!MCP_ISOLATING_PROVIDERS.has(input.provider)) {
      throw new ApprovalError(
        'APPROVAL_UNSUPPORTED_PROVIDER',
        `${input.provider} cannot isolate its MCP configuration, so approvalStrategy "mcp_managed" is refused; use claude or approvalStrategy "legacy"`,
        decision.id,
      );
    }
    if (decision.decision !== 'approved') {
      const why =
        decision.blockers.length > 0
          ? decision.blockers.join('; ')
          : `risk score ${decision.score} exceeds ${decision.maxScore} (${decision.threshold})`;
      throw new ApprovalError('APPROVAL_DENIED', `managed request denied: ${why}`, decision.id);
    }
    const mcpConfig = writeManagedMcpConfig(
      decision.mcpServers,
      this.opts.eligibleServers,
      this.opts.tempDir,
    );
    return {
      decision,
      mcpConfig,
      permissionMode: this.opts.claudePermissionMode,
      cleanup: () => mcpConfig.cleanup(),
    };
  }

  /** `approval_list`: the caller's own decisions. */
  list(owner: string, opts?: { afterSeq?: number; limit?: number }): ApprovalDecision[] {
    return this.log.list(owner, opts);
  }

  verify() {
    return this.log.verify();
  }

  close(): void {
    this.log.close();
  }
}
