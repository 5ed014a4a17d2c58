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
const MAX_SESSION_ID = 256;
const sessionId = z.string().min(1).max(MAX_SESSION_ID);

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
  /** Absolute difference between the match's two sides in USD (fee, tax, FX, rounding), decimal string. */
  varianceUsd: decimalString.optional(),
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
  /** OS account each approval came from, where known (CLI votes): actor -> OS user. */
  approvalOsUsers: z.record(actorString, z.string().min(1).max(256)).optional(),
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
  approvalOsUsers: z.record(actorString, z.string().min(1).max(256)).optional(),
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

const MATCH_SUBJECT_KEYS = new Set(Object.keys(matchSubjectSchema.shape));
const LOCAL_AMOUNT_KEYS = new Set(['amount', 'currency']);

/**
 * {@link parseSubject} for the match schema, with the common case checked by
 * hand: the recon pass evaluates two match subjects per proposal, and zod
 * cost more than every rule of the gate together. A subject that passes
 * every check below and has no unknown key is what zod would return (an
 * equal object); anything else goes through zod, which names the offending
 * key. A differential property test holds the two to the same answers.
 */
export function parseMatchSubject(subject: unknown, action: string): MatchSubject {
  return isWellFormedMatchSubject(subject) ? subject : parseSubject(matchSubjectSchema, subject, action);
}

function isWellFormedMatchSubject(s: unknown): s is MatchSubject {
  if (!isPlainRecord(s) || !onlyKeys(s, MATCH_SUBJECT_KEYS)) return false;
  return (
    (s.kind === undefined || s.kind === 'match') &&
    nonEmptyString(s.matchId) &&
    typeof s.state === 'string' &&
    (MATCH_TYPES as readonly unknown[]).includes(s.matchType) &&
    isActorString(s.proposedBy) &&
    isDecimalString(s.amountUsd) &&
    nonEmptyString(s.entity) &&
    (s.localAmount === undefined || isLocalAmount(s.localAmount)) &&
    isStringArray(s.accountCodes) &&
    (s.varianceUsd === undefined || isDecimalString(s.varianceUsd)) &&
    (s.rationale === undefined || typeof s.rationale === 'string') &&
    (s.proposerSessionId === undefined || isSessionId(s.proposerSessionId)) &&
    (s.actorSessionId === undefined || isSessionId(s.actorSessionId))
  );
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function onlyKeys(v: Record<string, unknown>, known: ReadonlySet<string>): boolean {
  for (const key in v) if (!known.has(key)) return false;
  return true;
}

function nonEmptyString(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0;
}

function isActorString(v: unknown): boolean {
  return typeof v === 'string' && ACTOR_PATTERN.test(v);
}

function isDecimalString(v: unknown): boolean {
  return typeof v === 'string' && DECIMAL_STRING_PATTERN.test(v);
}

function isSessionId(v: unknown): boolean {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_SESSION_ID;
}

function isLocalAmount(v: unknown): boolean {
  return (
    isPlainRecord(v) &&
    onlyKeys(v, LOCAL_AMOUNT_KEYS) &&
    isDecimalString(v.amount) &&
    isKnownCurrency(v.currency)
  );
}

/** Indexed loop, not every(): every() skips holes, zod checks them (and refuses). */
function isStringArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}
