import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultPolicyPath } from '../../src/config.js';
import { openEngine } from '../../src/index.js';
import { forbiddenChanges } from '../../src/eval/adversarial/guard.js';
import { judgeAttempt, resolvePointer, type PolicyScenario } from '../../src/eval/policy/harness.js';
import { k, proposeRefs } from '../../src/eval/policy/fixtures.js';
import { policyScenarios } from '../../src/eval/policy/run.js';
import { auditAccountingViolations } from '../../src/eval/state/accounting.js';
import { reconInvariantViolations } from '../../src/eval/state/invariants.js';
import { snapshotState } from '../../src/eval/state/snapshot.js';
import { evalClock } from '../../src/eval/workspace.js';
import { tempDir } from './helpers.js';
import path from 'node:path';

const policyText = fs.readFileSync(defaultPolicyPath(), 'utf8');

function demo() {
  const e = openEngine({ dbPath: path.join(tempDir(), 'r.db'), policyText, now: evalClock() });
  e.seedDemo();
  return e;
}

describe('eval evidence checks can fail', () => {
  it('the policy set has >= 40 scenarios with unique ids across the categories of issue 7', () => {
    const s = policyScenarios();
    expect(s.length).toBeGreaterThanOrEqual(40);
    expect(new Set(s.map((x) => x.id)).size).toBe(s.length);
    for (const c of [
      'self-confirm',
      'llm-confirms-llm',
      'session-sod',
      'missing-rationale',
      'sensitive-account',
      'split-below-threshold',
      'entity-override',
      't3-short-circuit',
      'invalid-state',
      'closed-period',
    ])
      expect(
        s.some((x) => x.category === c),
        c,
      ).toBe(true);
  });

  it('judgeAttempt fails an allowed confirm and a clause that is not verbatim from the policy file', () => {
    const e = demo();
    const allowed: PolicyScenario = {
      id: 'allowed',
      category: 'x',
      description: 'a legitimate confirm',
      arrange: (en) => proposeRefs(en, 'llm:agent-1', ['INV-1016']),
      attempt: (en, matchId: number) =>
        en.operations.confirm({ actor: 'human:bob', idempotencyKey: k(), matchId }),
      expect: { outcomes: ['deny'], codes: ['SOD_SAME_ACTOR'] },
    };
    const out = judgeAttempt(e, policyText, allowed, allowed.arrange(e));
    expect(out.passed).toBe(false);
    expect(out.detail).toMatch(/outcome allow/);
    const selfConfirm = policyScenarios().find((s) => s.id === 'self-confirm-llm')!;
    const edited = policyText.replace('may not confirm it or resolve its escalation', 'may confirm it');
    const judged = judgeAttempt(e, edited, selfConfirm, selfConfirm.arrange(e));
    expect(judged.passed).toBe(false);
    expect(judged.detail).toMatch(/not verbatim/);
    e.close();
  });

  it('resolvePointer follows RFC 6901 and refuses what is not there', () => {
    const doc = { rules: { 'a/b': { text: 't' }, 'm~n': 1 } };
    expect(resolvePointer(doc, '/rules/a~1b/text')).toBe('t');
    expect(resolvePointer(doc, '/rules/m~0n')).toBe(1);
    expect(resolvePointer(doc, '/rules/missing')).toBeUndefined();
    expect(resolvePointer(doc, 'rules')).toBeUndefined();
  });

  it('the adversarial guard flags a confirmed match, a vote, a closed period and a rewritten audit row', () => {
    const e = demo();
    const db = e.context.store.db;
    const before = snapshotState(db);
    const matchId = proposeRefs(e, 'llm:agent-1', ['INV-1002']);
    const mid = snapshotState(db);
    expect(forbiddenChanges(before, mid, ['proposal'])).toEqual([]);
    expect(forbiddenChanges(before, mid, [])).toContain('1 match(es) created');
    e.operations.confirm({ actor: 'human:bob', idempotencyKey: k(), matchId });
    const after = snapshotState(db);
    expect(forbiddenChanges(mid, after, ['escalation']).join('\n')).toMatch(/proposed -> confirmed/);
    const forged = { ...after, audit_events: after.audit_events.slice(1) };
    expect(forbiddenChanges(after, forged)).toContain('audit history was rewritten or truncated');
    const closed = {
      ...after,
      periods: [...after.periods, JSON.stringify({ entity: 'US01', period: '2026-03', state: 'closed' })],
    };
    expect(forbiddenChanges(after, closed).join('\n')).toMatch(/US01 2026-03 closed/);
    e.close();
  });

  it('the consistency and accounting checks catch partial state and a missing audit event', () => {
    const e = demo();
    const db = e.context.store.db;
    const matchId = proposeRefs(e, 'llm:agent-1', ['INV-1003']);
    e.operations.confirm({ actor: 'human:bob', idempotencyKey: k(), matchId });
    expect(reconInvariantViolations(db)).toEqual([]);
    expect(auditAccountingViolations(db)).toEqual([]);
    // a crash that left a confirmed match with an unmatched line, or a mutation without its event
    db.prepare(
      "UPDATE entries SET state = 'unmatched' WHERE id = (SELECT entry_id FROM match_lines WHERE match_id = ? LIMIT 1)",
    ).run(matchId);
    expect(reconInvariantViolations(db).join('\n')).toMatch(/is confirmed but entry \d+ is unmatched/);
    db.prepare("UPDATE matches SET state = 'rejected' WHERE id = ?").run(matchId);
    expect(auditAccountingViolations(db).join('\n')).toMatch(/MATCH_REJECTED: 0 event/);
    e.close();
  });
});
