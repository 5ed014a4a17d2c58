import { z } from 'zod';
import { isKnownCurrency } from '../money/currencies.js';
import { DECIMAL_STRING_PATTERN } from '../money/decimal.js';
import { ACTIONS, MATCH_TYPES, OPTIONAL_RULE_KEYS, RULE_CODES, TIERS, type RuleKey } from './rules.js';

const DECIMAL_HINT = 'expected decimal string (quote it in YAML, e.g. "10000.00")';

/** A non-negative decimal string. A YAML number is refused: floats must never carry money. */
const amountString = z
  .string({ error: (issue) => (issue.input === undefined ? 'required key is missing' : DECIMAL_HINT) })
  .regex(DECIMAL_STRING_PATTERN, DECIMAL_HINT)
  .refine((value) => !value.startsWith('-'), 'amount must not be negative');

const currency = z
  .string()
  .refine(isKnownCurrency, 'expected a known ISO 4217 currency code such as USD, JPY');

const entityOverride = z.object({ amount: amountString, currency }).strict();

/** Account code, optionally with `*` wildcards ("1031*" = every account starting 1031). */
const accountPattern = z
  .string()
  .regex(
    /^[A-Za-z0-9._*-]{1,64}$/,
    'expected an account code made of letters, digits, ".", "_", "-" and "*"',
  );

const rationaleRequired = z
  .object({
    confirm_above_materiality: z.boolean(),
    reject_engine_proposal: z.boolean(),
    min_length: z.number().int().min(1).max(10_000),
  })
  .strict();

const tierEnum = z.enum(TIERS);
const tiers = z
  .object(
    Object.fromEntries(ACTIONS.map((action) => [action, tierEnum])) as Record<
      (typeof ACTIONS)[number],
      typeof tierEnum
    >,
  )
  .strict()
  .refine((value) => value.close_period === 'T3', {
    message: 'close_period must be T3',
    path: ['close_period'],
  });

/** The dual-approval control can be tightened (more approvals), never weakened. */
const t3DualApproval = z
  .object({
    required_approvals: z.number().int().min(2).max(10),
    distinct_humans: z.literal(true),
    exclude_requester: z.literal(true),
    /**
     * Two approvals recorded under one OS account (e.g. one person switching
     * CLOSEGATE_ACTOR_ID at one terminal) are refused unless this is true.
     */
    allow_shared_workstation: z.boolean().default(false),
  })
  .strict();

/** An OS login name as the CLI sees it. */
const osUserName = z.string().regex(/^[A-Za-z0-9._@$-]{1,64}$/, 'expected an OS user name');

/**
 * Who may act as which human from the CLI. With `require_os_user_match`, a
 * `human:` CLOSEGATE_ACTOR_ID must be the one mapped to the OS user running the CLI.
 */
const cliIdentity = z
  .object({
    require_os_user_match: z.boolean().default(false),
    os_users: z
      .record(
        osUserName,
        z.string().regex(/^human:[A-Za-z0-9._@-]{1,64}$/, 'expected a human actor such as human:alice'),
      )
      .default({}),
  })
  .strict()
  .refine((c) => !c.require_os_user_match || Object.keys(c.os_users).length > 0, {
    message: 'require_os_user_match needs at least one os_users entry',
    path: ['os_users'],
  });

function ruleSchema<K extends RuleKey>(key: K) {
  return z
    .object({
      code: z.literal(RULE_CODES[key], { error: `expected code ${RULE_CODES[key]}` }),
      text: z.string().trim().min(1, 'rule text must not be empty'),
    })
    .strict();
}

const rules = z
  .object(
    Object.fromEntries(
      Object.keys(RULE_CODES).map((key) => [
        key,
        OPTIONAL_RULE_KEYS.includes(key as RuleKey)
          ? ruleSchema(key as RuleKey).optional()
          : ruleSchema(key as RuleKey),
      ]),
    ) as {
      [K in Exclude<RuleKey, 'variance_over_threshold'>]: ReturnType<typeof ruleSchema<K>>;
    } & { variance_over_threshold: z.ZodOptional<ReturnType<typeof ruleSchema<'variance_over_threshold'>>> },
  )
  .strict();

/**
 * Stands in for an optional rule the file leaves out. Never quoted: the rule
 * applies only when its setting is present, and then the file must give it.
 */
const UNUSED_RULE_TEXT = '(rule not configured: its setting is absent from this policy)';

export const policyDocumentSchema = z
  .object({
    version: z.string().trim().min(1),
    materiality_threshold_usd: amountString,
    entity_materiality_overrides: z.record(
      z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected an entity code'),
      entityOverride,
    ),
    always_human_accounts: z.array(accountPattern),
    no_auto_confirm: z.array(z.enum(MATCH_TYPES)),
    rationale_required: rationaleRequired,
    tiers,
    t3_dual_approval: t3DualApproval,
    closed_period_posting: z.enum(['t3', 'deny']),
    cli_identity: cliIdentity.default({ require_os_user_match: false, os_users: {} }),
    /**
     * A match whose two sides differ by more than this (USD, absolute; a bank
     * fee, withholding tax, FX or rounding the matcher accepted) is confirmed
     * by a human. Optional; when set, rules.variance_over_threshold is required.
     */
    match_variance_threshold_usd: amountString.optional(),
    rules,
  })
  .strict()
  .superRefine((doc, ctx) => {
    if (doc.match_variance_threshold_usd !== undefined && doc.rules.variance_over_threshold === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['rules', 'variance_over_threshold'],
        message: 'required when match_variance_threshold_usd is set',
      });
  })
  .transform((doc) => ({
    ...doc,
    rules: {
      ...doc.rules,
      variance_over_threshold: doc.rules.variance_over_threshold ?? {
        code: RULE_CODES.variance_over_threshold,
        text: UNUSED_RULE_TEXT,
      },
    },
  }));

/** policy.yaml after validation, keys exactly as in the file (snake_case). */
export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
