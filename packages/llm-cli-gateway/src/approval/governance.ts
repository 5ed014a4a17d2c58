import { z } from 'zod';
import type { Governance } from './gated-runner.js';

/** Tool inputs that steer the approval gate (merged into every provider request tool). */
export const governanceShape = {
  approvalStrategy: z
    .enum(['legacy', 'mcp_managed'])
    .optional()
    .describe(
      "legacy: the CLI's own permission flags; mcp_managed: decided by the approval gate before launch (claude only)",
    ),
  mcpServers: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/))
    .max(16)
    .optional()
    .describe('mcp_managed only: configured eligible MCP servers the agent may use'),
  reviewRequest: z
    .boolean()
    .optional()
    .describe('Declare a review request (its read tools must stay available)'),
};

const KEYS = new Set(Object.keys(governanceShape));

/** Splits governance fields off tool arguments, so they never reach the provider options. */
export function splitGovernance(args: Record<string, unknown>): {
  governance: Governance;
  rest: Record<string, unknown>;
} {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (!KEYS.has(k)) rest[k] = v;
  const governance: Governance = {
    approvalStrategy: args.approvalStrategy as Governance['approvalStrategy'],
    mcpServers: args.mcpServers as string[] | undefined,
    review: args.reviewRequest as boolean | undefined,
  };
  return { governance, rest };
}
