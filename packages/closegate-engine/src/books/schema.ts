import { isIsoDate, isKnownCurrency, parseRate } from 'closegate-policy';
import { z } from 'zod';
import { matchingRulesSchema } from '../matcher/rules.js';

/**
 * The books.yaml schema: entities, accounts, intercompany account pairs, the
 * materiality overrides the policy must hold, FX settings and the matcher's
 * `matching:` rules (schema owned by the matcher, src/matcher/rules.ts).
 * Strict objects everywhere: an unknown or misspelt key is an error, not
 * silently ignored. Codes and amounts are strings: a YAML number is refused
 * (1010 would lose a leading zero, 0.0065 would go through a float).
 */
const CODE = /^[A-Za-z0-9_-]{1,32}$/;
const ACCOUNT = /^[A-Za-z0-9._-]{1,64}$/;

const quoted = (what: string) => ({
  error: (issue: { input: unknown }) =>
    typeof issue.input === 'number'
      ? `${what} must be a quoted string (write '${String(issue.input)}'), not a YAML number`
      : `${what} must be a string`,
});

const entityCode = z.string(quoted('entity code')).regex(CODE, 'entity code: 1-32 letters, digits, _ or -');
const accountCode = z
  .string(quoted('account code'))
  .regex(ACCOUNT, 'account code: 1-64 letters, digits, ., _ or -');
const currency = z
  .string(quoted('currency'))
  .refine(isKnownCurrency, 'an upper-case ISO 4217 code closegate knows, such as USD');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz.includes('/') || tz === 'UTC';
  } catch {
    return false;
  }
}

export const closeCalendarSchema = z.strictObject({
  /** The close window opens at 00:00 local on this day of the following month. */
  opens_day: z.number().int().min(1).max(28).default(1),
  /** ... and closes on this day of the following month, at `closes_time` local. */
  closes_day: z.number().int().min(1).max(28).default(5),
  closes_time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour local time')
    .default('18:00'),
});

export const entitySchema = z.strictObject({
  code: entityCode,
  name: z.string().min(1).max(200),
  currency,
  time_zone: z.string().refine(isTimeZone, 'an IANA time zone such as America/New_York'),
  close_calendar: closeCalendarSchema.default({ opens_day: 1, closes_day: 5, closes_time: '18:00' }),
});

export const ACCOUNT_TYPES = ['asset', 'liability', 'equity', 'income', 'expense'] as const;

export const accountSchema = z.strictObject({
  entity: entityCode,
  code: accountCode,
  name: z.string().min(1).max(200),
  type: z.enum(ACCOUNT_TYPES, { error: `one of ${ACCOUNT_TYPES.join(', ')}` }),
  sensitivity: z.enum(['normal', 'sensitive'], { error: 'normal or sensitive' }).default('normal'),
});

const accountRef = z.strictObject({ entity: entityCode, account: accountCode });

export const intercompanySchema = z.strictObject({
  name: z.string().min(1).max(100),
  a: accountRef,
  b: accountRef,
});

const rateString = z.string(quoted('rate')).refine((s) => {
  try {
    parseRate(s);
    return true;
  } catch {
    return false;
  }
}, 'a plain decimal string above zero, such as "0.0065" (no exponent, sign or separators)');

export const bookRateSchema = z.strictObject({
  date: z.string(quoted('date')).refine(isIsoDate, 'a real date written YYYY-MM-DD'),
  base: currency,
  quote: currency,
  rate: rateString,
  source: z.string().min(1).max(100),
});

export const DEFAULT_MAX_STALENESS_DAYS = 5;

export const fxSettingsSchema = z.strictObject({
  /** A line's rate is the rate of its date, or the latest before it at most this many days older. */
  max_staleness_days: z.number().int().min(0).max(3660).default(DEFAULT_MAX_STALENESS_DAYS),
  /**
   * The rates are a fixed table for demos and tests, not daily rates: the
   * engine refuses them when CLOSEGATE_ENV=prod (stale fixed rates silently
   * size matches wrongly).
   */
  fixed_table: z.boolean().default(false),
  /** Rates kept in the books file itself (e.g. fixed demo rates); daily rates come from `fx import`. */
  rates: z.array(bookRateSchema).max(10_000).default([]),
});

export const materialitySchema = z.strictObject({
  /**
   * Entities whose local-currency materiality override must be in the policy
   * file (entity_materiality_overrides); thresholds live in policy.yaml, the
   * gate's single source of truth.
   */
  overrides_from_policy: z.array(entityCode).default([]),
});

export const booksSchema = z.strictObject({
  version: z.literal(1, { error: 'version must be 1' }),
  name: z.string().min(1).max(200).optional(),
  entities: z.array(entitySchema).min(1, 'at least one entity'),
  accounts: z.array(accountSchema).default([]),
  intercompany: z.array(intercompanySchema).default([]),
  materiality: materialitySchema.default({ overrides_from_policy: [] }),
  fx: fxSettingsSchema.default({
    max_staleness_days: DEFAULT_MAX_STALENESS_DAYS,
    fixed_table: false,
    rates: [],
  }),
  matching: matchingRulesSchema.optional(),
});

export type BooksDocument = z.infer<typeof booksSchema>;
export type BooksInput = z.input<typeof booksSchema>;
export type BookEntity = z.infer<typeof entitySchema>;
export type BookAccount = z.infer<typeof accountSchema>;
export type CloseCalendarSpec = z.infer<typeof closeCalendarSchema>;
