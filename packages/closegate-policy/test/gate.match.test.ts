import { describe, expect, it } from 'vitest';
import { evaluate, type Decision, type MatchSubject } from '../src/index.js';
import { expectDecision, type Expected } from './gate-helpers.js';
import { RATIONALE, examplePolicy, matchSubject } from './helpers.js';

function confirm(actor: string, overrides: Partial<MatchSubject> = {}, policy = examplePolicy): Decision {
  return evaluate('confirm', matchSubject(overrides), actor, policy);
}

describe('confirm decision table', () => {
  it('row 1: a match that is not decidable -> Deny STATE_INVALID', () => {
    for (const state of ['confirmed', 'rejected', 'unmatched', 'anything']) {
      expectDecision(confirm('human:carol', { state }), ['deny', 'T1', 'STATE_INVALID', 'state_invalid']);
    }
    // Waiting for a human: machines may not decide it, humans may.
    expectDecision(confirm('engine:auto', { state: 'pending_approval' }), [
      'deny',
      'T1',
      'STATE_INVALID',
      'state_invalid',
    ]);
    expectDecision(confirm('llm:agent', { state: 'pending_approval' }), [
      'deny',
      'T1',
      'STATE_INVALID',
      'state_invalid',
    ]);
    expectDecision(confirm('human:carol', { state: 'pending_approval' }), ['allow', 'T1']);
  });

  it('row 2: the proposer confirms -> Deny SOD_SAME_ACTOR', () => {
    const sod: Expected = ['deny', 'T1', 'SOD_SAME_ACTOR', 'sod_same_actor'];
    expectDecision(confirm('human:alice', { proposedBy: 'human:alice' }), sod);
    expectDecision(confirm('human:Alice', { proposedBy: 'human:alice' }), sod); // case games
    expectDecision(confirm('engine:matcher', { proposedBy: 'engine:matcher' }), sod);
    expectDecision(confirm('llm:agent-1', { proposedBy: 'llm:agent-1' }), sod);
    // A different actor id from the proposer's own session is still the proposer.
    const session = { proposedBy: 'human:alice', proposerSessionId: 's-1', actorSessionId: 's-1' };
    expectDecision(confirm('human:bob', session), sod);
    expectDecision(
      evaluate(
        'confirm',
        matchSubject({ proposedBy: 'human:alice', proposerSessionId: 's-1' }),
        'human:bob',
        examplePolicy,
        { actorSessionId: 's-1' },
      ),
      sod,
    );
    expectDecision(confirm('human:bob', { ...session, actorSessionId: 's-2' }), ['allow', 'T1']);
  });

  it('row 3: an llm confirms an llm proposal, any id -> Deny SOD_SAME_ACTOR', () => {
    const sod: Expected = ['deny', 'T1', 'SOD_SAME_ACTOR', 'sod_llm_confirms_llm'];
    expectDecision(confirm('llm:agent-2', { proposedBy: 'llm:agent-1' }), sod);
    expectDecision(confirm('llm:claude', { proposedBy: 'llm:codex' }), sod);
    expectDecision(confirm('llm:agent-2', { proposedBy: 'engine:matcher' }), ['allow', 'T1']);
    expectDecision(confirm('human:carol', { proposedBy: 'llm:agent-1' }), ['allow', 'T1']);
  });

  it('row 4: an always_human account and a non-human actor -> RequireHumanApproval ACCOUNT_FORCED_HUMAN', () => {
    const forced: Expected = ['require_human_approval', 'T2', 'ACCOUNT_FORCED_HUMAN', 'account_forced_human'];
    expectDecision(confirm('engine:auto', { accountCodes: ['4000', '1030'] }), forced);
    expectDecision(confirm('llm:agent', { accountCodes: ['10315'] }), forced); // 1031*
    expectDecision(confirm('llm:agent', { accountCodes: ['1031'] }), forced);
    expectDecision(confirm('engine:auto', { accountCodes: ['1032', '10300', '21030'] }), ['allow', 'T1']);
    expectDecision(confirm('human:carol', { accountCodes: ['1030'] }), ['allow', 'T2']);
  });

  describe('row 5: non-human confirm above materiality -> RequireHumanApproval MATERIALITY_OVER_THRESHOLD', () => {
    const material: Expected = [
      'require_human_approval',
      'T2',
      'MATERIALITY_OVER_THRESHOLD',
      'materiality_over_threshold',
    ];

    it('USD threshold 10000.00: at it allowed, one cent above escalated, sign ignored', () => {
      expectDecision(confirm('engine:auto', { amountUsd: '10000.00' }), ['allow', 'T1']);
      expectDecision(confirm('engine:auto', { amountUsd: '10000' }), ['allow', 'T1']);
      expectDecision(confirm('engine:auto', { amountUsd: '10000.01' }), material);
      expectDecision(confirm('engine:auto', { amountUsd: '10000.001' }), material);
      expectDecision(confirm('engine:auto', { amountUsd: '-10000.00' }), ['allow', 'T1']);
      expectDecision(confirm('llm:agent', { amountUsd: '-10000.01' }), material);
    });

    it('JP01 override 1000000 JPY, compared in yen', () => {
      const jp = (amount: string, amountUsd = '6500.00') =>
        confirm('engine:auto', { entity: 'JP01', amountUsd, localAmount: { amount, currency: 'JPY' } });
      expectDecision(jp('1000000'), ['allow', 'T1']);
      expectDecision(jp('1000001'), material);
      // The override replaces the USD threshold for JP01, in both directions.
      expectDecision(jp('999999', '12000.00'), ['allow', 'T1']);
    });

    it('IN01 override 750000.00 INR, compared in rupees', () => {
      const india = (amount: string) =>
        confirm('engine:auto', {
          entity: 'IN01',
          amountUsd: '9000.00',
          localAmount: { amount, currency: 'INR' },
        });
      expectDecision(india('750000.00'), ['allow', 'T1']);
      expectDecision(india('750000.01'), material);
    });

    it('fails closed when the override currency amount is missing or in another currency', () => {
      expectDecision(confirm('engine:auto', { entity: 'JP01', amountUsd: '1.00' }), material);
      const usdLocal = {
        entity: 'JP01',
        amountUsd: '1.00',
        localAmount: { amount: '1.00', currency: 'USD' },
      };
      expectDecision(confirm('engine:auto', usdLocal), material);
    });
  });

  it('row 6: non-human confirm of a no_auto_confirm match type -> RequireHumanApproval STRATEGY_REQUIRES_HUMAN', () => {
    const strategy: Expected = [
      'require_human_approval',
      'T2',
      'STRATEGY_REQUIRES_HUMAN',
      'strategy_requires_human',
    ];
    expectDecision(confirm('engine:auto', { matchType: 'fuzzy' }), strategy);
    expectDecision(confirm('llm:agent', { matchType: 'many_to_one' }), strategy);
    expectDecision(confirm('engine:auto', { matchType: 'exact' }), ['allow', 'T1']);
    expectDecision(confirm('human:carol', { matchType: 'fuzzy' }), ['allow', 'T1']);
  });

  it('row 7: confirm above materiality without a rationale -> Deny MISSING_RATIONALE', () => {
    const missing: Expected = ['deny', 'T2', 'MISSING_RATIONALE', 'missing_rationale_confirm'];
    expectDecision(confirm('human:carol', { amountUsd: '10000.01' }), missing);
    expectDecision(confirm('human:carol', { amountUsd: '10000.01', rationale: '   ok     ' }), missing); // < 10 chars trimmed
    expectDecision(confirm('human:carol', { amountUsd: '10000.01', rationale: RATIONALE }), ['allow', 'T2']);
    expectDecision(confirm('human:carol', { amountUsd: '10000.00' }), ['allow', 'T1']);
    const jp = { entity: 'JP01', localAmount: { amount: '1000001', currency: 'JPY' } };
    expectDecision(confirm('human:carol', jp), missing);
    expectDecision(confirm('human:carol', { ...jp, localAmount: { amount: '1000000', currency: 'JPY' } }), [
      'allow',
      'T1',
    ]);
    const india = { entity: 'IN01', localAmount: { amount: '750000.01', currency: 'INR' } };
    expectDecision(confirm('human:carol', india), missing);
    expectDecision(confirm('human:carol', { ...india, rationale: RATIONALE }), ['allow', 'T2']);
  });

  it('row 8: otherwise -> Allow at the policy tier', () => {
    expectDecision(confirm('engine:auto'), ['allow', 'T1']);
    expectDecision(confirm('llm:agent'), ['allow', 'T1']);
    expectDecision(confirm('human:carol'), ['allow', 'T1']);
  });

  it('applies the rules in table order', () => {
    // Every rule would fire; the state rule is first.
    const everything = {
      state: 'confirmed',
      proposedBy: 'llm:agent',
      accountCodes: ['1030'],
      amountUsd: '99999.00',
      matchType: 'fuzzy' as const,
    };
    expect(confirm('llm:agent', everything).code).toBe('STATE_INVALID');
    expect(confirm('llm:agent', { ...everything, state: 'proposed' }).clausePointer).toBe(
      '/rules/sod_same_actor',
    );
    expect(confirm('llm:other', { ...everything, state: 'proposed' }).clausePointer).toBe(
      '/rules/sod_llm_confirms_llm',
    );
    const byEngine = { ...everything, state: 'proposed', proposedBy: 'engine:matcher' };
    expect(confirm('llm:other', byEngine).code).toBe('ACCOUNT_FORCED_HUMAN');
    expect(confirm('llm:other', { ...byEngine, accountCodes: ['4000'] }).code).toBe(
      'MATERIALITY_OVER_THRESHOLD',
    );
    expect(confirm('llm:other', { ...byEngine, accountCodes: ['4000'], amountUsd: '1' }).code).toBe(
      'STRATEGY_REQUIRES_HUMAN',
    );
  });
});

describe('reject decision table', () => {
  const reject = (actor: string, overrides: Partial<MatchSubject> = {}) =>
    evaluate('reject', matchSubject(overrides), actor, examplePolicy);

  it('row 1: a match that is not decidable -> Deny STATE_INVALID', () => {
    expectDecision(reject('human:carol', { state: 'confirmed', rationale: RATIONALE }), [
      'deny',
      'T1',
      'STATE_INVALID',
      'state_invalid',
    ]);
    expectDecision(reject('llm:agent', { state: 'pending_approval', rationale: RATIONALE }), [
      'deny',
      'T1',
      'STATE_INVALID',
      'state_invalid',
    ]);
  });

  it('row 2: an always_human account and a non-human actor -> RequireHumanApproval ACCOUNT_FORCED_HUMAN', () => {
    expectDecision(reject('llm:agent', { accountCodes: ['1031-EU'], rationale: RATIONALE }), [
      'require_human_approval',
      'T2',
      'ACCOUNT_FORCED_HUMAN',
      'account_forced_human',
    ]);
  });

  it('row 3: rejecting an engine proposal without a rationale -> Deny MISSING_RATIONALE', () => {
    const missing: Expected = ['deny', 'T1', 'MISSING_RATIONALE', 'missing_rationale_reject'];
    expectDecision(reject('human:carol'), missing);
    expectDecision(reject('llm:agent', { rationale: 'no' }), missing);
    expectDecision(reject('llm:agent', { rationale: RATIONALE }), ['allow', 'T1']);
    expectDecision(reject('human:carol', { proposedBy: 'llm:agent' }), ['allow', 'T1']);
  });

  it('row 4: otherwise -> Allow; a proposer may withdraw its own proposal', () => {
    expectDecision(reject('llm:agent', { proposedBy: 'llm:agent' }), ['allow', 'T1']);
    expectDecision(reject('human:carol', { state: 'pending_approval', rationale: RATIONALE }), [
      'allow',
      'T1',
    ]);
  });
});
