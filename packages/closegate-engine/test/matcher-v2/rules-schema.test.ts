import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCHING_RULES, matchingRulesSchema, parseMatchingRules } from '../../src/index.js';

const rule = { name: 'r1', sides: ['bank-gl'] };

function issuePaths(input: unknown): string[] {
  const r = matchingRulesSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('matching rules schema (books.yaml matching:)', () => {
  it('the default rule set is valid and ordered strongest first', () => {
    expect(parseMatchingRules(DEFAULT_MATCHING_RULES)).toEqual(DEFAULT_MATCHING_RULES);
    const names = DEFAULT_MATCHING_RULES.rules.map((r) => r.name);
    expect(names.indexOf('reference-exact')).toBeLessThan(names.indexOf('amount-date-counterparty'));
    for (const r of DEFAULT_MATCHING_RULES.rules)
      if (r.text.reference.length === 0) expect(r.text.counterparty).not.toBe('ignore');
  });

  it('fills defaults: equal amount, same day, one-to-one, groups of at most 8', () => {
    const parsed = parseMatchingRules({ rules: [rule] });
    expect(parsed.rules[0]).toMatchObject({
      amount: { test: 'equal' },
      date: { days: 0, unit: 'calendar' },
      shape: { kind: 'one_to_one', maxGroupSize: 8 },
      text: { reference: [], counterparty: 'agree_or_absent' },
    });
  });

  it('names the key path of what is wrong', () => {
    expect(issuePaths({ rules: [{ ...rule, sides: ['bank-ledger'] }] })).toContain('rules.0.sides.0');
    expect(issuePaths({ rules: [{ ...rule, date: { days: 3, unit: 'fortnight' } }] })).toContain(
      'rules.0.date.unit',
    );
    expect(issuePaths({ rules: [{ ...rule, shape: { kind: 'one_to_many', maxGroupSize: 99 } }] })).toContain(
      'rules.0.shape.maxGroupSize',
    );
    expect(issuePaths({ rules: [rule, rule] })).toContain('rules.1.name');
    expect(issuePaths({ rules: [{ ...rule, typo: 1 }] })).toContain('rules.0');
  });

  it('refuses an amount-and-date-only rule that ignores counterparties', () => {
    expect(issuePaths({ rules: [{ ...rule, text: { reference: [], counterparty: 'ignore' } }] })).toContain(
      'rules.0.text.counterparty',
    );
  });

  it('refuses a tolerance without variance reasons, a float percent and a bad pattern', () => {
    const tol = { test: 'tolerance', default: { percent: '2' } };
    expect(issuePaths({ rules: [{ ...rule, amount: tol }] })).toContain('rules.0.variance');
    expect(
      issuePaths({ rules: [{ ...rule, amount: { test: 'tolerance', default: { percent: 2.5 } } }] }),
    ).toContain('rules.0.amount.default.percent');
    expect(issuePaths({ rules: [rule], invoicePatterns: ['(unclosed'] })).toContain('invoicePatterns.0');
  });
});
