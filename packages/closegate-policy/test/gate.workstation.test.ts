import { describe, expect, it } from 'vitest';
import { checkCliIdentity, evaluate, loadPolicy, PolicyError } from '../src/index.js';
import { examplePolicy, policyTextWith } from './helpers.js';

const period = (approvals: string[], approvalOsUsers?: Record<string, string>) => ({
  kind: 'period',
  entity: 'US01',
  period: '2026-10',
  periodState: 'closing',
  requestedBy: 'human:alice',
  approvals,
  ...(approvalOsUsers ? { approvalOsUsers } : {}),
});

describe('T3 dual approval across OS accounts', () => {
  it('refuses two humans voting from one OS account (case-insensitive), with the verbatim clause', () => {
    const d = evaluate(
      'close_period',
      period(['human:bob', 'human:carol'], { 'human:bob': 'bob', 'human:carol': 'BOB' }),
      'human:carol',
      examplePolicy,
    );
    expect(d).toMatchObject({
      outcome: 'deny',
      code: 'T3_SHARED_WORKSTATION',
      tier: 'T3',
      clausePointer: '/rules/t3_shared_workstation',
    });
    expect(d.clauseText).toMatch(/same OS account/);
  });

  it('allows two humans on two OS accounts, and votes of unknown origin are not compared', () => {
    expect(
      evaluate(
        'close_period',
        period(['human:bob', 'human:carol'], { 'human:bob': 'bob', 'human:carol': 'carol' }),
        'human:carol',
        examplePolicy,
      ).outcome,
    ).toBe('allow');
    expect(
      evaluate(
        'close_period',
        period(['human:bob', 'human:carol'], { 'human:bob': 'bob' }),
        'human:carol',
        examplePolicy,
      ).outcome,
    ).toBe('allow');
  });

  it('one OS account with one approval still waits for a second human', () => {
    expect(
      evaluate('close_period', period(['human:bob'], { 'human:bob': 'bob' }), 'human:bob', examplePolicy),
    ).toMatchObject({
      outcome: 'require_human_approval',
      code: 'T3_DUAL_APPROVAL_REQUIRED',
    });
  });

  it('allow_shared_workstation: true lets one OS account carry two humans, explicitly', () => {
    const shared = loadPolicy(
      policyTextWith('allow_shared_workstation: false', 'allow_shared_workstation: true'),
    );
    const subject = period(['human:bob', 'human:carol'], { 'human:bob': 'kiosk', 'human:carol': 'kiosk' });
    expect(evaluate('close_period', subject, 'human:carol', shared).outcome).toBe('allow');
  });

  it('applies to postings into a closed period too', () => {
    const subject = {
      kind: 'posting',
      entity: 'US01',
      period: '2026-10',
      periodState: 'closed',
      requestedBy: 'human:alice',
      approvals: ['human:bob', 'human:carol'],
      approvalOsUsers: { 'human:bob': 'bob', 'human:carol': 'bob' },
    };
    expect(evaluate('post_entry', subject, 'human:alice', examplePolicy).code).toBe('T3_SHARED_WORKSTATION');
  });
});

describe('cli_identity: OS user -> human mapping', () => {
  const mapped = loadPolicy(
    policyTextWith(
      "  require_os_user_match: false\n  # OS login name -> human actor, e.g.  alice: 'human:alice@example.com'\n  os_users: {}",
      "  require_os_user_match: true\n  os_users:\n    alice: 'human:alice@example.com'\n    bob: 'human:bob'",
    ),
  );

  it('off by default: any human id passes', () => {
    expect(checkCliIdentity(examplePolicy, 'human:anyone', 'whoever')).toEqual({ ok: true });
  });

  it('when required, an OS user may act only as its mapped human', () => {
    expect(checkCliIdentity(mapped, 'human:alice@example.com', 'alice')).toEqual({ ok: true });
    expect(checkCliIdentity(mapped, 'human:Alice@Example.com', 'ALICE')).toEqual({ ok: true });
    expect(checkCliIdentity(mapped, 'human:bob', 'alice')).toMatchObject({
      ok: false,
      reason: /only as human:alice@example.com/,
    });
    expect(checkCliIdentity(mapped, 'human:bob', 'mallory')).toMatchObject({
      ok: false,
      reason: /not listed/,
    });
    // Non-human actors (e.g. engine:import) are not people: the mapping does not apply.
    expect(checkCliIdentity(mapped, 'engine:import', 'mallory')).toEqual({ ok: true });
  });

  it('require_os_user_match without any mapping refuses to load', () => {
    expect(() =>
      loadPolicy(policyTextWith('  require_os_user_match: false', '  require_os_user_match: true')),
    ).toThrow(PolicyError);
  });
});
