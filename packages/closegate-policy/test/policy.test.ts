import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PolicyError, RULE_CODES, RULE_KEYS, loadPolicy } from '../src/index.js';
import { EXAMPLE_POLICY_TEXT, examplePolicy, policyTextWith } from './helpers.js';

function policyError(text: string): PolicyError {
  try {
    loadPolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).code).toBe('POLICY_INVALID');
    return error as PolicyError;
  }
  throw new Error('policy loaded but should have been rejected');
}

describe('loadPolicy', () => {
  it('loads the example policy', () => {
    const { document } = examplePolicy;
    expect(examplePolicy.label).toBe('2026.11-demo');
    expect(document.materiality_threshold_usd).toBe('10000.00');
    expect(document.entity_materiality_overrides.JP01).toEqual({ amount: '1000000', currency: 'JPY' });
    expect(document.entity_materiality_overrides.IN01).toEqual({ amount: '750000.00', currency: 'INR' });
    expect(document.always_human_accounts).toContain('1031*');
    expect(document.t3_dual_approval.required_approvals).toBe(2);
    expect(Object.keys(document.rules).sort()).toEqual([...RULE_KEYS].sort());
  });

  it('versions the policy by the SHA-256 of its exact text', () => {
    expect(examplePolicy.version).toBe(createHash('sha256').update(EXAMPLE_POLICY_TEXT).digest('hex'));
    expect(examplePolicy.version).toMatch(/^[0-9a-f]{64}$/);
    expect(loadPolicy(EXAMPLE_POLICY_TEXT + '\n').version).not.toBe(examplePolicy.version);
  });

  it('comments every key of the example', () => {
    const lines = EXAMPLE_POLICY_TEXT.split('\n');
    lines.forEach((line, index) => {
      const isKey = /^\s*[a-z_A-Z0-9]+:/.test(line);
      if (!isKey || /^\s*(code|text):/.test(line)) return;
      const previous = lines[index - 1] ?? '';
      expect(previous.trim().startsWith('#') || line.includes(' #'), `uncommented key: ${line}`).toBe(true);
    });
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(examplePolicy.document.rules.sod_same_actor)).toBe(true);
    expect(() => (examplePolicy.document.always_human_accounts as string[]).push('9999')).toThrow(TypeError);
  });

  it('rejects a YAML number amount, naming the key path', () => {
    const error = policyError(policyTextWith("amount: '1000000'", 'amount: 1000000'));
    expect(error.path).toBe('entity_materiality_overrides.JP01.amount');
    expect(error.message).toMatch(/^entity_materiality_overrides\.JP01\.amount: expected decimal string/);
    expect(policyError(policyTextWith("'10000.00'", '10000.00')).message).toMatch(
      /^materiality_threshold_usd: expected decimal string/,
    );
  });

  it.each([
    [
      'exponent amount',
      "materiality_threshold_usd: '10000.00'",
      "materiality_threshold_usd: '1e4'",
      'materiality_threshold_usd',
    ],
    [
      'negative amount',
      "materiality_threshold_usd: '10000.00'",
      "materiality_threshold_usd: '-1'",
      'materiality_threshold_usd',
    ],
    ['missing key', "materiality_threshold_usd: '10000.00'", '', 'materiality_threshold_usd'],
    [
      'unknown top-level key',
      "closed_period_posting: 't3'",
      "closed_period_posting: 't3'\nauto_confirm_all: true",
      'auto_confirm_all',
    ],
    [
      'unknown nested key (typo)',
      "    currency: 'INR'",
      "    currency: 'INR'\n    amout: '1'",
      'entity_materiality_overrides.IN01.amout',
    ],
    ['unknown currency', "currency: 'JPY'", "currency: 'YEN'", 'entity_materiality_overrides.JP01.currency'],
    ['bad match type', "  - 'fuzzy'", "  - 'fuzzzy'", 'no_auto_confirm.0'],
    ['bad tier', "propose: 'T0'", "propose: 'T9'", 'tiers.propose'],
    ['weakened close tier', "close_period: 'T3'", "close_period: 'T1'", 'tiers.close_period'],
    [
      'single approval',
      'required_approvals: 2',
      'required_approvals: 1',
      't3_dual_approval.required_approvals',
    ],
    [
      'requester allowed',
      'exclude_requester: true',
      'exclude_requester: false',
      't3_dual_approval.exclude_requester',
    ],
    [
      'non-distinct humans',
      'distinct_humans: true',
      'distinct_humans: false',
      't3_dual_approval.distinct_humans',
    ],
    ['renamed rule code', "code: 'PERIOD_CLOSED'", "code: 'OK'", 'rules.period_closed.code'],
    [
      'empty rule text',
      "text: 'No entry may be posted into a closed period.'",
      "text: '  '",
      'rules.period_closed.text',
    ],
    ['bad account pattern', "- '1030'", "- '10 30'", 'always_human_accounts.0'],
    ['number version', "version: '2026.11-demo'", 'version: 2026.11', 'version'],
    [
      'prototype key',
      "closed_period_posting: 't3'",
      "closed_period_posting: 't3'\n__proto__: {}",
      '__proto__',
    ],
  ])('rejects %s and names %s', (_label, search, replacement, path) => {
    const error = policyError(policyTextWith(search, replacement));
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
  });

  it('rejects a missing rule', () => {
    const text = EXAMPLE_POLICY_TEXT.replace(/ {2}period_closed:\n(.*\n){2}/, '');
    expect(policyError(text).path).toBe('rules.period_closed');
  });

  it('rejects non-mappings, broken YAML and duplicate keys', () => {
    expect(policyError('').message).toMatch(/mapping/);
    expect(policyError('- a\n- b\n').message).toMatch(/mapping/);
    expect(policyError('a: [1, 2\n').message).toMatch(/not valid YAML/);
    expect(policyError(EXAMPLE_POLICY_TEXT + "\nversion: 'again'\n").message).toMatch(/not valid YAML/);
    expect(policyError(42 as unknown as string).message).toMatch(/string/);
  });

  it('refuses alias bombs and oversized documents', () => {
    const bomb = [
      'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    expect(policyError(bomb).message).toMatch(/not valid YAML/);
    expect(policyError('#'.repeat(1_000_001)).message).toMatch(/limit/);
  });

  it('keeps the rule codes fixed', () => {
    for (const key of RULE_KEYS) expect(examplePolicy.document.rules[key].code).toBe(RULE_CODES[key]);
  });
});
