import type { ApprovalThreshold } from '../config/schema.js';
import type { PermissionLevel, ProviderId } from '../providers/contract.js';
import { PROVIDERS } from '../providers/registry.js';
import { effectiveCapability, type Capability } from '../capability/effective.js';
import { checkReviewIntegrity, isReviewRequest, type ReviewIntegrity } from './review-integrity.js';
import { scanWording } from './wording.js';

/** What the approval gate looks at. The prompt is read here and never stored. */
export interface ApprovalInput {
  readonly owner: string;
  readonly provider: ProviderId;
  readonly prompt: string;
  /** Provider options as the caller sent them (permission flags live here). */
  readonly options: Record<string, unknown>;
  /** MCP servers the caller wants the agent to use. */
  readonly mcpServers?: readonly string[];
  /** The caller declares this a review request. */
  readonly review?: boolean;
}

export interface RiskFactor {
  readonly code: string;
  readonly points: number;
  readonly detail: string;
}

export interface RiskAssessment {
  readonly score: number;
  readonly factors: readonly RiskFactor[];
  /** Reasons that deny at every threshold. */
  readonly blockers: readonly string[];
  readonly permissionLevel?: PermissionLevel;
  readonly reviewIntegrity: ReviewIntegrity;
}

/** Highest score each threshold approves. */
export const THRESHOLD_MAX_SCORE: Readonly<Record<ApprovalThreshold, number>> = {
  strict: 19,
  balanced: 49,
  permissive: 79,
};

const POINTS = { full: 60, network: 30, edits: 20, destructive: 50, secret: 50, mcpServer: 10 } as const;

/** The flag behind a `full` permission level, named in the decision so the operator sees why. */
const BYPASS_FLAG: Readonly<Record<ProviderId, string>> = {
  claude: '--permission-mode bypassPermissions (--dangerously-skip-permissions)',
  codex: '--sandbox danger-full-access',
  gemini: '--approval-mode yolo',
  grok: 'headless mode auto-approves every tool',
  mistral: 'auto-approve agent',
};

/**
 * Scored from the request's effective capability first (approval/../capability):
 * what the agent may do without asking, whatever the prompt says. A request
 * that pre-approves shell scores as high as a bypass mode, however harmless its
 * wording; one that cannot write or run commands adds nothing here.
 */
function permissionFactors(
  input: ApprovalInput,
  blockers: string[],
): { level?: PermissionLevel; factors: RiskFactor[] } {
  const contract = PROVIDERS[input.provider];
  let cap: Capability;
  try {
    cap = effectiveCapability(input.provider, contract.parseOptions(input.options));
  } catch {
    blockers.push('provider options are invalid');
    return { factors: [] };
  }
  const why = cap.reasons.join('; ');
  const factors: RiskFactor[] = [];
  if (cap.bypass) {
    factors.push({ code: 'bypass-permissions', points: POINTS.full, detail: BYPASS_FLAG[input.provider] });
  } else if (cap.shell && !cap.sandboxed) {
    factors.push({ code: 'pre-approved-shell', points: POINTS.full, detail: why });
  } else if (cap.network) {
    factors.push({ code: 'pre-approved-network', points: POINTS.network, detail: why });
  }
  if (!cap.bypass && !(cap.shell && !cap.sandboxed) && cap.write) {
    factors.push({ code: 'auto-edits', points: POINTS.edits, detail: why || 'edits without asking' });
  }
  return { level: cap.level, factors };
}

function mcpFactors(input: ApprovalInput, eligible: ReadonlySet<string>, blockers: string[]): RiskFactor[] {
  const requested = [...new Set(input.mcpServers ?? [])];
  const refused = requested.filter((s) => !eligible.has(s));
  if (refused.length > 0)
    blockers.push(`MCP servers not eligible for managed requests: ${refused.join(', ')}`);
  return requested
    .filter((s) => eligible.has(s))
    .map((s) => ({ code: 'mcp-server', points: POINTS.mcpServer, detail: s }))
    .slice(0, 3);
}

/**
 * Pure risk assessment of a managed request: bypass / full-auto flags,
 * requested MCP servers, destructive or secret-seeking wording, review integrity.
 */
export function assessRisk(input: ApprovalInput, eligibleServers: ReadonlySet<string>): RiskAssessment {
  const blockers: string[] = [];
  const permission = permissionFactors(input, blockers);
  const factors: RiskFactor[] = [...permission.factors, ...mcpFactors(input, eligibleServers, blockers)];
  for (const hit of scanWording(input.prompt)) {
    factors.push({
      code: `${hit.kind}:${hit.code}`,
      points: hit.kind === 'destructive' ? POINTS.destructive : POINTS.secret,
      detail: `${hit.kind} wording`,
    });
  }
  const reviewIntegrity = checkReviewIntegrity(isReviewRequest(input.prompt, input.review), input.options);
  if (reviewIntegrity.status === 'violated')
    blockers.push(...reviewIntegrity.reasons.map((r) => `review integrity: ${r}`));
  const score = Math.min(
    1000,
    factors.reduce((sum, f) => sum + f.points, 0),
  );
  return { score, factors, blockers, permissionLevel: permission.level, reviewIntegrity };
}

/** Approve only without blockers and within the threshold's score. */
export function decide(assessment: RiskAssessment, threshold: ApprovalThreshold): 'approved' | 'denied' {
  if (assessment.blockers.length > 0) return 'denied';
  if (assessment.reviewIntegrity.status === 'violated') return 'denied';
  return assessment.score <= THRESHOLD_MAX_SCORE[threshold] ? 'approved' : 'denied';
}
