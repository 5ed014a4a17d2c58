import { describe, expect, it } from 'vitest';
import { ActorError, GateInputError, evaluate, loadPolicy, type Action } from '../src/index.js';
import { expectDecision, type Expected } from './gate-helpers.js';
import { examplePolicy, matchSubject, policyTextWith } from './helpers.js';

describe('T3 decision table', () => {
  const close = (approvals: string[], overrides: Record<string, unknown> = {}) =>
    evaluate(
      'close_period',
      {
        kind: 'period',
        entity: 'US01',
        period: '2026-03',
        periodState: 'closing',
        requestedBy: 'human:alice',
        approvals,
        ...overrides,
      },
      'human:alice',
      examplePolicy,
    );
  const dual: Expected = [
    'require_human_approval',
    'T3',
    'T3_DUAL_APPROVAL_REQUIRED',
    't3_dual_approval_required',
  ];

  it('row 1: closing a period that is not closing -> Deny STATE_INVALID', () => {
    for (const periodState of ['open', 'closed', 'bogus']) {
      expectDecision(close(['human:bob', 'human:carol'], { periodState }), [
        'deny',
        'T3',
        'STATE_INVALID',
        'state_invalid',
      ]);
    }
  });

  it('row 2: an llm or engine approval -> Deny T3_APPROVER_NOT_HUMAN', () => {
    const notHuman: Expected = ['deny', 'T3', 'T3_APPROVER_NOT_HUMAN', 't3_approver_not_human'];
    expectDecision(close(['human:bob', 'llm:agent']), notHuman);
    expectDecision(close(['engine:recon', 'human:bob', 'human:carol']), notHuman);
  });

  it('row 3: the requester approves -> Deny SOD_SAME_ACTOR', () => {
    const sod: Expected = ['deny', 'T3', 'SOD_SAME_ACTOR', 't3_requester_approval'];
    expectDecision(close(['human:alice', 'human:bob']), sod);
    expectDecision(close(['human:bob', 'human:carol', 'human:ALICE']), sod);
  });

  it('row 4: fewer than two distinct human approvers -> RequireHumanApproval T3_DUAL_APPROVAL_REQUIRED', () => {
    expectDecision(close([]), dual);
    expectDecision(close(['human:bob']), dual);
    expectDecision(close(['human:bob', 'human:bob']), dual); // same human twice counts once
    expectDecision(close(['human:bob', 'human:BOB']), dual);
  });

  it('row 5: two distinct humans, neither the requester -> Allow T3', () => {
    expectDecision(close(['human:bob', 'human:carol']), ['allow', 'T3']);
    expectDecision(close(['human:bob', 'human:carol', 'human:bob']), ['allow', 'T3']);
  });

  it('honours a stricter approval count', () => {
    const three = loadPolicy(policyTextWith('required_approvals: 2', 'required_approvals: 3'));
    const subject = {
      kind: 'period',
      entity: 'US01',
      period: '2026-03',
      periodState: 'closing',
      requestedBy: 'human:alice',
    };
    expectDecision(
      evaluate('close_period', { ...subject, approvals: ['human:bob', 'human:carol'] }, 'human:alice', three),
      dual,
      three,
    );
    expectDecision(
      evaluate(
        'close_period',
        { ...subject, approvals: ['human:bob', 'human:carol', 'human:dan'] },
        'human:alice',
        three,
      ),
      ['allow', 'T3'],
      three,
    );
  });

  describe('post_entry', () => {
    const post = (periodState: string, approvals?: string[], policy = examplePolicy) =>
      evaluate(
        'post_entry',
        { entity: 'US01', period: '2026-03', periodState, approvals },
        'human:alice',
        policy,
      );

    it('row 6: into an open or closing period -> Allow at the post_entry tier', () => {
      expectDecision(post('open'), ['allow', 'T1']);
      expectDecision(post('closing'), ['allow', 'T1']);
      expectDecision(post('reopened'), ['deny', 'T1', 'STATE_INVALID', 'state_invalid']);
    });

    it('row 7: into a closed period -> T3 dual approval (closed_period_posting: t3)', () => {
      expectDecision(post('closed'), dual);
      expectDecision(post('closed', ['human:bob']), dual);
      expectDecision(post('closed', ['human:alice', 'human:bob']), [
        'deny',
        'T3',
        'SOD_SAME_ACTOR',
        't3_requester_approval',
      ]);
      expectDecision(post('closed', ['llm:a', 'human:bob']), [
        'deny',
        'T3',
        'T3_APPROVER_NOT_HUMAN',
        't3_approver_not_human',
      ]);
      expectDecision(post('closed', ['human:bob', 'human:carol']), ['allow', 'T3']);
    });

    it('row 8: into a closed period with closed_period_posting: deny -> Deny PERIOD_CLOSED', () => {
      const strict = loadPolicy(
        policyTextWith("closed_period_posting: 't3'", "closed_period_posting: 'deny'"),
      );
      expectDecision(
        post('closed', ['human:bob', 'human:carol'], strict),
        ['deny', 'T3', 'PERIOD_CLOSED', 'period_closed'],
        strict,
      );
      expectDecision(post('open', [], strict), ['allow', 'T1'], strict);
    });
  });
});

describe('other actions', () => {
  it('propose -> Allow T0 for every kind of actor', () => {
    for (const actor of ['human:a', 'llm:b', 'engine:c']) {
      expectDecision(evaluate('propose', matchSubject(), actor, examplePolicy), ['allow', 'T0']);
    }
  });

  it('flag_exception and escalate -> Allow T1', () => {
    expectDecision(evaluate('flag_exception', { entryId: 'e1' }, 'llm:agent', examplePolicy), [
      'allow',
      'T1',
    ]);
    expectDecision(evaluate('escalate', { matchId: 'm1' }, 'engine:recon', examplePolicy), ['allow', 'T1']);
  });

  it('resolve_exception is human-only (T1); an llm or the engine is denied with the clause', () => {
    expectDecision(evaluate('resolve_exception', { entryId: 'e1' }, 'human:alice', examplePolicy), [
      'allow',
      'T1',
    ]);
    for (const machine of ['llm:agent', 'engine:recon']) {
      expectDecision(evaluate('resolve_exception', { entryId: 'e1' }, machine, examplePolicy), [
        'deny',
        'T1',
        'EXCEPTION_RESOLUTION_REQUIRES_HUMAN',
        'exception_resolution_requires_human',
      ]);
    }
    // a hand-built Actor object claiming to be human is re-parsed from its raw string
    const forged = { kind: 'human', id: 'agent', raw: 'llm:agent' } as unknown as Parameters<
      typeof evaluate
    >[2];
    expect(evaluate('resolve_exception', undefined, forged, examplePolicy).outcome).toBe('deny');
  });

  it('resolve_escalation is human-only and not by the proposer', () => {
    const resolve = (
      actor: string,
      subject: unknown = { escalationId: 'x1', proposedBy: 'engine:matcher' },
    ) => evaluate('resolve_escalation', subject, actor, examplePolicy);
    const machine: Expected = ['deny', 'T2', 'ESCALATION_REQUIRES_HUMAN', 'escalation_requires_human'];
    expectDecision(resolve('llm:agent'), machine);
    expectDecision(resolve('engine:recon'), machine);
    expectDecision(resolve('human:carol'), ['allow', 'T2']);
    expectDecision(resolve('human:carol', { proposedBy: 'human:Carol' }), [
      'deny',
      'T2',
      'SOD_SAME_ACTOR',
      'sod_same_actor',
    ]);
    expectDecision(resolve('human:carol', undefined), ['allow', 'T2']);
  });
});

describe('gate input validation', () => {
  it('rejects unknown actions and malformed actors', () => {
    expect(() => evaluate('delete_everything' as Action, {}, 'human:a', examplePolicy)).toThrow(
      GateInputError,
    );
    for (const actor of [
      'human',
      'human:',
      'root:x',
      'Human:a',
      'human:a b',
      'human:' + 'x'.repeat(65),
      ' human:a',
      'human:a\n',
    ]) {
      expect(() => evaluate('propose', {}, actor, examplePolicy)).toThrow(ActorError);
    }
  });

  it('re-parses an actor object from its raw string, so a forged kind does not count', () => {
    const forged = { kind: 'human' as const, id: 'agent', raw: 'llm:agent' };
    expectDecision(evaluate('confirm', matchSubject({ proposedBy: 'llm:other' }), forged, examplePolicy), [
      'deny',
      'T1',
      'SOD_SAME_ACTOR',
      'sod_llm_confirms_llm',
    ]);
  });

  it.each([
    ['number amount', { amountUsd: 125 }, 'amountUsd'],
    ['exponent amount', { amountUsd: '1e9' }, 'amountUsd'],
    ['bad proposer', { proposedBy: 'cfo' }, 'proposedBy'],
    ['unknown match type', { matchType: 'magic' }, 'matchType'],
    ['number local amount', { localAmount: { amount: 5, currency: 'JPY' } }, 'localAmount.amount'],
  ])('rejects a match subject with %s', (_label, patch, path) => {
    expect(() => evaluate('confirm', { ...matchSubject(), ...patch }, 'human:carol', examplePolicy)).toThrow(
      new RegExp(`${path.replace('.', '\\.')}:`),
    );
    expect(() => evaluate('confirm', { ...matchSubject(), ...patch }, 'human:carol', examplePolicy)).toThrow(
      GateInputError,
    );
  });

  it('rejects T3 subjects with malformed approvals', () => {
    const subject = {
      kind: 'period',
      entity: 'US01',
      period: '2026-03',
      periodState: 'closing',
      requestedBy: 'human:alice',
    };
    expect(() =>
      evaluate('close_period', { ...subject, approvals: ['bob'] }, 'human:alice', examplePolicy),
    ).toThrow(GateInputError);
    expect(() => evaluate('close_period', subject, 'human:alice', examplePolicy)).toThrow(GateInputError);
  });
});
