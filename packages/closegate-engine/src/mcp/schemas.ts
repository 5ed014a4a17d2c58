import { isDecimalString } from 'closegate-policy';
import { z } from 'zod';

/**
 * Field schemas shared by the tools. Tool argument names are snake_case;
 * no tool has an actor field (identity comes from the transport).
 */
export const idempotencyKeyField = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces')
  .describe(
    'Unique per intended action (e.g. session id + tool call id). Repeating it replays the first result.',
  );

export const idField = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const limitField = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .optional()
  .describe('Maximum rows (default 100, max 1000).');

/** An amount: a decimal string such as "1250.00". A JSON number is refused. */
export const amountField = z
  .string()
  .max(40)
  .refine(
    (v) => isDecimalString(v),
    'amount must be a decimal string like "1250.00" (not a number, no exponent)',
  );

export const rationaleField = z.string().max(4000);

export const entityField = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'entity code: 1-32 of A-Z a-z 0-9 _ -');

export const periodField = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

/** Strict object: unknown keys (an `actor_id`, a typo) are refused, never stripped. */
export function strictArgs<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape).strict();
}

export type StrictArgs = z.ZodObject<z.ZodRawShape, z.core.$strict>;
