import { describe, expect, it } from 'vitest';
import { GateInputError, PolicyError, evaluate, loadPolicy, type MatchSubject } from '../src/index.js';
import { expectDecision } from './gate-helpers.js';
import { EXAMPLE_POLICY_TEXT, RATIONALE, examplePolicy, matchSubject, policyTextWith } from './helpers.js';

const confirm = (actor: string, overrides: Partial<MatchSubject>, policy = examplePolicy) =>
  evaluate('confirm', matchSubject(overrides), actor, policy);

describe('match variance threshold (fees, withholding tax, FX, rounding)', () => {
  it('the example policy sets a threshold and quotes its clause', () => {
    expect(examplePolicy.document.match_variance_threshold_usd).toBe('25.00');
    expect(examplePolicy.document.rules.variance_over_threshold.code).toBe('VARIANCE_OVER_THRESHOLD');
  });

  it('a machine confirm above the threshold goes to a human with the verbatim clause', () => {
    expectDecision(confirm('engine:autoconfirm', { varianceUsd: '25.01' }), [
      'require_human_approval',
      'T2',
      'VARIANCE_OVER_THRESHOLD',
      'variance_over_threshold',
    ]);
    expectDecision(confirm('llm:agent', { varianceUsd: '300.00' }), [
      'require_human_approval',
      'T2',
      'VARIANCE_OVER_THRESHOLD',
      'variance_over_threshold',
    ]);
  });

  it('exactly at the threshold, below it, or without a variance the rule does not apply', () => {
    for (const varianceUsd of ['25.00', '25', '0.00', '24.99', undefined]) {
      const overrides: Partial<MatchSubject> = varianceUsd === undefined ? {} : { varianceUsd };
      expectDecision(confirm('engine:autoconfirm', overrides), ['allow', 'T1']);
    }
  });

  it('the sign of the variance does not matter (a negative difference is as large)', () => {
    expect(confirm('engine:autoconfirm', { varianceUsd: '-25.01' }).outcome).toBe('require_human_approval');
  });

  it('a human may confirm a variance above the threshold (with a rationale when material)', () => {
    expectDecision(confirm('human:carol', { varianceUsd: '900.00' }), ['allow', 'T1']);
    expectDecision(
      confirm('human:carol', { varianceUsd: '900.00', amountUsd: '50000.00', rationale: RATIONALE }),
      ['allow', 'T2'],
    );
  });

  it('materiality and sensitive accounts are still judged first', () => {
    expect(confirm('engine:autoconfirm', { varianceUsd: '900.00', amountUsd: '50000.00' }).code).toBe(
      'MATERIALITY_OVER_THRESHOLD',
    );
    expect(confirm('engine:autoconfirm', { varianceUsd: '900.00', accountCodes: ['1030'] }).code).toBe(
      'ACCOUNT_FORCED_HUMAN',
    );
  });

  it('a policy without the threshold never cites the rule, whatever the variance', () => {
    const text = EXAMPLE_POLICY_TEXT.replace(/^match_variance_threshold_usd: .*$/m, '').replace(
      / {2}# A variance above[\s\S]*$/,
      '',
    );
    const policy = loadPolicy(text);
    expect(policy.document.match_variance_threshold_usd).toBeUndefined();
    expectDecision(
      confirm('engine:autoconfirm', { varianceUsd: '1000000.00' }, policy),
      ['allow', 'T1'],
      policy,
    );
  });

  it('refuses a threshold without its clause, a float threshold and a negative one', () => {
    const noClause = EXAMPLE_POLICY_TEXT.replace(/ {2}# A variance above[\s\S]*$/, '');
    expect(() => loadPolicy(noClause)).toThrow(PolicyError);
    expect(() => loadPolicy(noClause)).toThrow(/variance_over_threshold/);
    expect(() =>
      loadPolicy(
        policyTextWith("match_variance_threshold_usd: '25.00'", 'match_variance_threshold_usd: 25.5'),
      ),
    ).toThrow(/match_variance_threshold_usd/);
    expect(() =>
      loadPolicy(
        policyTextWith("match_variance_threshold_usd: '25.00'", "match_variance_threshold_usd: '-1.00'"),
      ),
    ).toThrow(PolicyError);
  });

  it('a malformed variance on the subject is refused, not read as zero', () => {
    for (const varianceUsd of ['1e3', 'NaN', '', '25,00'])
      expect(() => confirm('engine:autoconfirm', { varianceUsd })).toThrow(GateInputError);
  });
});
