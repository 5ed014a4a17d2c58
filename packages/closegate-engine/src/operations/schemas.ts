import { z } from 'zod';

/** Input schemas of the operations. Strict: unknown keys are refused. */
const actor = z.string().min(1).max(80);
const idempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const id = z.number().int().positive();
const rationale = z.string().max(4000);

/** Optional transport session (e.g. the MCP session id): a confirm from the proposer's session is denied. */
const sessionId = z.string().min(1).max(256).optional();

export const base = { actor, idempotencyKey, sessionId };

export const proposeSchema = z
  .object({
    ...base,
    entryIds: z.array(id).min(2, 'a match needs at least two lines').max(50),
    rationale: rationale.optional(),
  })
  .strict();

export const confirmSchema = z.object({ ...base, matchId: id, rationale: rationale.optional() }).strict();
export const rejectSchema = z.object({ ...base, matchId: id, rationale: rationale.optional() }).strict();

export const flagExceptionSchema = z
  .object({
    ...base,
    entryId: id,
    reason: z.string().min(1).max(2000),
  })
  .strict();

/** Names the exception by its id or by its entry (the entry's one open exception), never both. */
export const resolveExceptionSchema = z
  .object({
    ...base,
    entryId: id.optional(),
    exceptionId: id.optional(),
    reason: z.string().trim().min(1, 'a reason is required').max(2000),
  })
  .strict()
  .refine((v) => (v.entryId === undefined) !== (v.exceptionId === undefined), {
    message: 'give exactly one of entryId or exceptionId',
    path: ['entryId'],
  });

export const escalateSchema = z
  .object({ ...base, matchId: id, reason: z.string().min(1).max(2000) })
  .strict();

export const resolveEscalationSchema = z
  .object({
    ...base,
    escalationId: id,
    decision: z.enum(['approve', 'reject']),
    rationale: rationale.optional(),
    /** Where the vote was cast: set by the CLI and the stdio MCP server (their OS account and host), never an MCP tool argument. */
    origin: z
      .object({ osUser: z.string().min(1).max(256), host: z.string().min(1).max(256) })
      .strict()
      .optional(),
  })
  .strict();

export const closePeriodSchema = z
  .object({
    ...base,
    entity: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM'),
  })
  .strict();

export type ProposeInput = z.infer<typeof proposeSchema>;
export type ConfirmInput = z.infer<typeof confirmSchema>;
export type RejectInput = z.infer<typeof rejectSchema>;
export type FlagExceptionInput = z.infer<typeof flagExceptionSchema>;
export type ResolveExceptionInput = z.infer<typeof resolveExceptionSchema>;
export type EscalateInput = z.infer<typeof escalateSchema>;
export type ResolveEscalationInput = z.infer<typeof resolveEscalationSchema>;
export type ClosePeriodInput = z.infer<typeof closePeriodSchema>;
