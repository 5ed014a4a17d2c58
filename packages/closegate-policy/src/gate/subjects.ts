import { z } from 'zod';
import { GateInputError } from '../errors.js';
import { isKnownCurrency } from '../money/currencies.js';
import { DECIMAL_STRING_PATTERN } from '../money/decimal.js';
import { MATCH_TYPES } from '../policy/rules.js';
import { ACTOR_PATTERN } from './actor.js';

const decimalString = z
  .string({ error: 'expected decimal string' })
  .regex(DECIMAL_STRING_PATTERN, 'expected decimal string');
const actorString = z
  .string()
  .regex(ACTOR_PATTERN, 'expected an actor such as human:alice, llm:agent, engine:recon');
const sessionId = z.string().min(1).max(256);

/** Subject of confirm and reject: one proposed match. */
export const matchSubjectSchema = z.object({
  kind: z.literal('match').optional(),
  matchId: z.string().min(1),
  /** Current match state; anything but a confirmable state is denied, not thrown. */
  state: z.string(),
  matchType: z.enum(MATCH_TYPES),
  proposedBy: actorString,
  /** Absolute size of the match in USD, decimal string. */
  amountUsd: decimalString,
  entity: z.string().min(1),
  /** Size in the entity's functional currency, for entity materiality overrides. */
  localAmount: z
    .object({ amount: decimalString, currency: z.string().refine(isKnownCurrency, 'unknown currency') })
    .optional(),
  accountCodes: z.array(z.string()),
  rationale: z.string().optional(),
  proposerSessionId: sessionId.optional(),
  actorSessionId: sessionId.optional(),
});

/** Subject of close_period (a T3 action). */
export const periodSubjectSchema = z.object({
  kind: z.literal('period'),
  entity: z.string().min(1),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected period YYYY-MM'),
  periodState: z.string(),
  requestedBy: actorString,
  /** Actors who voted to approve, e.g. ['human:bob', 'human:carol']. */
  approvals: z.array(actorString),
});

/** Subject of post_entry: the period the entry would land in. */
export const postingSubjectSchema = z.object({
  kind: z.literal('posting').optional(),
  entity: z.string().min(1),
  period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected period YYYY-MM'),
  periodState: z.string(),
  /** Defaults to the acting actor. */
  requestedBy: actorString.optional(),
  approvals: z.array(actorString).optional(),
});

/** Subject of resolve_escalation. */
export const escalationSubjectSchema = z.object({
  kind: z.literal('escalation').optional(),
  escalationId: z.string().min(1).optional(),
  /** Who proposed the item under escalation; they may not resolve it themselves. */
  proposedBy: actorString.optional(),
});

export type MatchSubject = z.infer<typeof matchSubjectSchema>;
export type PeriodSubject = z.infer<typeof periodSubjectSchema>;
export type PostingSubject = z.infer<typeof postingSubjectSchema>;
export type EscalationSubject = z.infer<typeof escalationSubjectSchema>;

/** Validates `subject` for `action`; GateInputError GATE_INVALID_SUBJECT names the offending key. */
export function parseSubject<T>(schema: z.ZodType<T>, subject: unknown, action: string): T {
  const parsed = schema.safeParse(subject);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(subject)';
    throw new GateInputError(
      'GATE_INVALID_SUBJECT',
      `invalid subject for ${action}: ${path}: ${issue.message}`,
    );
  }
  return parsed.data;
}
