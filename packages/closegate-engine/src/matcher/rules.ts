import { z } from 'zod';

/**
 * The `matching:` section of books.yaml: an ordered list of matching rules in
 * the style of commercial reconciliation tools. The matcher tries the rules in
 * order; the first rule under which a line has exactly one acceptable
 * counterpart (or group) wins. A rule under which a line has several
 * acceptable counterparts never auto-matches: the line becomes a suggestion
 * for a human listing the candidates.
 *
 * Amount tolerances are integer minor units of the compared currency and/or a
 * percentage as a decimal string: never a float. When a rule gives both, the
 * difference must be within both (precision first).
 */

/** Which sides a rule pairs. `intercompany` pairs GL lines of a configured intercompany account pair. */
export const RULE_SIDES = ['bank-gl', 'subledger-gl', 'intercompany'] as const;
export type RuleSides = (typeof RULE_SIDES)[number];

export const REFERENCE_TESTS = ['equal', 'last_digits', 'contained', 'invoice'] as const;
export type ReferenceTest = (typeof REFERENCE_TESTS)[number];

export const COUNTERPARTY_TESTS = ['agree', 'agree_or_absent', 'ignore'] as const;
export type CounterpartyTest = (typeof COUNTERPARTY_TESTS)[number];

export const SHAPES = ['one_to_one', 'one_to_many', 'many_to_one', 'net_zero', 'many_to_many'] as const;
export type Shape = (typeof SHAPES)[number];

export const VARIANCE_REASONS = ['bank_fee', 'withholding_tax', 'fx', 'rounding'] as const;
export type VarianceReason = (typeof VARIANCE_REASONS)[number];

/** A non-negative decimal string (a percentage such as "0.5" or "2"). */
const percentString = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,6})?$/, 'a non-negative decimal string such as "0.5" (a YAML number is refused)')
  .refine((s) => Number.parseFloat(s) <= 100, 'at most 100 (percent)');

const minorUnits = z.number().int().min(0).max(1_000_000_000);

const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD');

/** One tolerance: the difference must be within every limit given. */
export const toleranceSchema = z
  .strictObject({
    /** Largest difference in minor units of the compared currency (USD cents across currencies). */
    absoluteMinor: minorUnits.optional(),
    /** Largest difference as a percentage of the larger absolute amount. */
    percent: percentString.optional(),
  })
  .refine((t) => t.absoluteMinor !== undefined || t.percent !== undefined, {
    message: 'give absoluteMinor and/or percent',
  });
export type Tolerance = z.infer<typeof toleranceSchema>;

export const amountTestSchema = z.discriminatedUnion('test', [
  z.strictObject({ test: z.literal('equal') }),
  z.strictObject({
    test: z.literal('tolerance'),
    /** Tolerance for any currency not listed in `currencies`. */
    default: toleranceSchema,
    /** Per-currency tolerances (e.g. JPY has no minor unit). */
    currencies: z.record(currencyCode, toleranceSchema).optional(),
  }),
]);
export type AmountTest = z.infer<typeof amountTestSchema>;

export const dateWindowSchema = z.strictObject({
  /** Days either side of the line's posting date. */
  days: z.number().int().min(0).max(62),
  /** `business` skips Saturdays, Sundays and the configured holidays. */
  unit: z.enum(['calendar', 'business']).default('calendar'),
});
export type DateWindow = z.infer<typeof dateWindowSchema>;

export const textTestSchema = z.strictObject({
  /**
   * Reference tests, any one of which must pass; empty means the rule pairs on
   * amount and date alone (then counterparties must agree or be absent and the
   * candidate must be unique in the window).
   */
  reference: z.array(z.enum(REFERENCE_TESTS)).default([]),
  /** For `last_digits`: how many trailing digits of the references must be equal. */
  lastDigits: z.number().int().min(3).max(20).default(6),
  counterparty: z.enum(COUNTERPARTY_TESTS).default('agree_or_absent'),
});
export type TextTest = z.infer<typeof textTestSchema>;

export const shapeSchema = z.strictObject({
  kind: z.enum(SHAPES).default('one_to_one'),
  /** Most lines on a "many" side of a group. */
  maxGroupSize: z.number().int().min(2).max(12).default(8),
});
export type ShapeSpec = z.infer<typeof shapeSchema>;

export const varianceAllowanceSchema = z.strictObject({
  reason: z.enum(VARIANCE_REASONS),
  tolerance: toleranceSchema,
});
export type VarianceAllowance = z.infer<typeof varianceAllowanceSchema>;

export const matchingRuleSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, - and _'),
    sides: z.array(z.enum(RULE_SIDES)).min(1),
    amount: amountTestSchema.default({ test: 'equal' }),
    /** Compare lines in different currencies through USD at the rate of each line's date. */
    crossCurrency: z.boolean().default(false),
    date: dateWindowSchema.default({ days: 0, unit: 'calendar' }),
    text: textTestSchema.default({ reference: [], lastDigits: 6, counterparty: 'agree_or_absent' }),
    shape: shapeSchema.default({ kind: 'one_to_one', maxGroupSize: 8 }),
    /**
     * Reasons a non-zero difference may be recorded under, first that covers
     * it wins. A difference no allowance covers is not a match under this rule.
     */
    variance: z.array(varianceAllowanceSchema).default([]),
  })
  .superRefine((r, ctx) => {
    const noRef = r.text.reference.length === 0;
    if (noRef && r.text.counterparty === 'ignore') {
      ctx.addIssue({
        code: 'custom',
        path: ['text', 'counterparty'],
        message: 'a rule without a reference test must check counterparties (agree or agree_or_absent)',
      });
    }
    if (r.amount.test === 'tolerance' && r.variance.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['variance'],
        message: 'a tolerance rule must list the variance reasons a difference may be recorded under',
      });
    }
    if (r.crossCurrency && !r.variance.some((v) => v.reason === 'fx') && r.amount.test === 'tolerance') {
      ctx.addIssue({
        code: 'custom',
        path: ['variance'],
        message: 'a crossCurrency tolerance rule needs an fx variance',
      });
    }
  });
export type MatchingRule = z.infer<typeof matchingRuleSchema>;

/**
 * Default invoice-number patterns (folded text: NFKC, lower case): "INV-1001",
 * "Invoice #1001", "Rechnung 1001", "RG 1001", "請求書番号 1001".
 */
export const DEFAULT_INVOICE_PATTERNS: readonly string[] = [
  '\\b(?:inv|invoice|bill|rechnung|facture|factura|rg)\\s*(?:no|nr|num|number)?\\s*[-:#./]?\\s*(\\d{3,})\\b',
  '(?:請求書|請求)\\s*(?:no|番号)?\\s*[-:#.]?\\s*(\\d{3,})',
];

/** A regex source that compiles and is short (patterns run on every narrative). */
const patternSource = z
  .string()
  .min(1)
  .max(200)
  .refine((s) => {
    try {
      new RegExp(s, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const matchingRulesSchema = z
  .strictObject({
    rules: z.array(matchingRuleSchema).min(1).max(50),
    /**
     * Invoice-number patterns for the `invoice` reference test. The first
     * capture group (or the whole match) is the invoice number; two numbers
     * are equal only when their digits are equal.
     */
    invoicePatterns: z
      .array(patternSource)
      .max(20)
      .default([...DEFAULT_INVOICE_PATTERNS]),
    /** Extra words stripped from references and counterparty names, as the built-in bank boilerplate is (compared folded). */
    boilerplate: z.array(z.string().min(1).max(40)).max(100).default([]),
    /** Non-business days for `business` date windows, besides Saturdays and Sundays. */
    holidays: z.array(isoDate).max(2000).default([]),
    /** Most candidates a group (subset-sum) search looks at per line: bounds the search. */
    maxGroupCandidates: z.number().int().min(4).max(40).default(24),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.rules.forEach((r, i) => {
      if (seen.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['rules', i, 'name'],
          message: `duplicate rule name ${r.name}`,
        });
      seen.add(r.name);
    });
  });
export type MatchingRules = z.infer<typeof matchingRulesSchema>;
/** What books.yaml may spell (defaults not yet applied). */
export type MatchingRulesInput = z.input<typeof matchingRulesSchema>;

const DEFAULT_INPUT: MatchingRulesInput = {
  rules: [
    {
      // a reversal, void or return and the one earlier line it undoes, on the same side
      name: 'reversal-net-zero',
      sides: ['bank-gl', 'subledger-gl'],
      amount: { test: 'equal' },
      date: { days: 10, unit: 'calendar' },
      text: { reference: ['equal', 'contained', 'invoice', 'last_digits'], counterparty: 'agree_or_absent' },
      shape: { kind: 'net_zero', maxGroupSize: 4 },
    },
    {
      name: 'reference-exact',
      sides: ['bank-gl', 'subledger-gl', 'intercompany'],
      amount: { test: 'equal' },
      date: { days: 5, unit: 'business' },
      text: { reference: ['equal', 'invoice', 'contained'], counterparty: 'agree_or_absent' },
    },
    {
      name: 'reference-variance',
      sides: ['bank-gl', 'subledger-gl', 'intercompany'],
      amount: { test: 'tolerance', default: { percent: '3' } },
      crossCurrency: true,
      date: { days: 5, unit: 'business' },
      text: { reference: ['equal', 'invoice', 'contained'], counterparty: 'agree_or_absent' },
      variance: [
        { reason: 'rounding', tolerance: { absoluteMinor: 2 } },
        { reason: 'fx', tolerance: { percent: '2' } },
        { reason: 'bank_fee', tolerance: { absoluteMinor: 5000, percent: '3' } },
      ],
    },
    {
      name: 'reference-withholding',
      sides: ['bank-gl', 'subledger-gl'],
      amount: { test: 'tolerance', default: { percent: '15' } },
      date: { days: 5, unit: 'business' },
      text: { reference: ['equal', 'invoice', 'contained'], counterparty: 'agree_or_absent' },
      variance: [{ reason: 'withholding_tax', tolerance: { percent: '15' } }],
    },
    {
      name: 'reference-group',
      sides: ['bank-gl', 'subledger-gl'],
      amount: { test: 'equal' },
      date: { days: 10, unit: 'business' },
      text: { reference: ['equal', 'invoice', 'contained'], counterparty: 'agree_or_absent' },
      shape: { kind: 'many_to_many', maxGroupSize: 8 },
    },
    {
      name: 'reference-last-digits',
      sides: ['bank-gl', 'subledger-gl'],
      amount: { test: 'equal' },
      date: { days: 5, unit: 'business' },
      text: { reference: ['last_digits'], lastDigits: 6, counterparty: 'agree' },
    },
    {
      // amount and date alone: the only candidate in the window, names agree or neither names one
      name: 'amount-date-counterparty',
      sides: ['bank-gl', 'subledger-gl', 'intercompany'],
      amount: { test: 'equal' },
      date: { days: 3, unit: 'business' },
      text: { reference: [], counterparty: 'agree_or_absent' },
    },
    {
      // lockbox batches and split deposits without references: the only subset that sums up
      name: 'amount-sum-group',
      sides: ['bank-gl', 'subledger-gl'],
      amount: { test: 'equal' },
      date: { days: 2, unit: 'business' },
      text: { reference: [], counterparty: 'agree_or_absent' },
      shape: { kind: 'many_to_many', maxGroupSize: 8 },
    },
  ],
};

/** The default rule set: good out of the box, precision first. */
export const DEFAULT_MATCHING_RULES: MatchingRules = matchingRulesSchema.parse(DEFAULT_INPUT);

/** Validates a `matching:` section (throws a ZodError naming the key path). */
export function parseMatchingRules(input: unknown): MatchingRules {
  return matchingRulesSchema.parse(input);
}
