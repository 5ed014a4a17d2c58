/**
 * Tool tiers. Every MCP tool is registered with exactly one; the tier is
 * published in the tool's annotations, `_meta` and description so a client
 * (and its human) sees what a call can change before making it.
 */
export const TOOL_TIERS = ['T0', 'propose', 'T1', 'T2', 'human', 'T3'] as const;
export type ToolTier = (typeof TOOL_TIERS)[number];

export interface TierInfo {
  /** One line for the description prefix. */
  summary: string;
  /** Never changes state (MCP readOnlyHint). */
  readOnly: boolean;
  /** May change state irreversibly (MCP destructiveHint). */
  destructive: boolean;
}

export const TIER_INFO: Readonly<Record<ToolTier, TierInfo>> = Object.freeze({
  T0: { summary: 'T0 read-only; every call is audited', readOnly: true, destructive: false },
  propose: {
    summary: 'propose: creates proposals only, never confirms; idempotent',
    readOnly: false,
    destructive: false,
  },
  T1: { summary: 'T1 reversible state change, audited; idempotent', readOnly: false, destructive: false },
  T2: {
    summary:
      'T2 confirm: the policy gate escalates to a human above materiality or on sensitive accounts; idempotent',
    readOnly: false,
    destructive: false,
  },
  human: {
    summary: 'human only: the gate denies llm and engine callers; idempotent',
    readOnly: false,
    destructive: false,
  },
  T3: {
    summary:
      "T3 irreversible: needs approvals from the policy's number of distinct humans (at least two), none the requester; idempotent",
    readOnly: false,
    destructive: true,
  },
});

export function isToolTier(value: unknown): value is ToolTier {
  return typeof value === 'string' && (TOOL_TIERS as readonly string[]).includes(value);
}
