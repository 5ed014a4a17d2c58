import { describe, expect, it } from 'vitest';
import { DEMO_MARKERS, type Engine } from '../src/index.js';
import { demoEngine } from './helpers.js';

/** Outcome of every match by its lines' references, e.g. "TRSY-0302" -> "pending_approval:ACCOUNT_FORCED_HUMAN". */
function outcomes(e: Engine): Map<string, string> {
  const out = new Map<string, string>();
  const matches = e.context.store.db.prepare('SELECT id FROM matches ORDER BY id').pluck().all() as number[];
  for (const id of matches) {
    const m = e.queries.match(id);
    const refs = m.entries.map((x) => x.reference).join('+');
    out.set(refs, `${m.state}:${m.escalations.map((x) => x.code).join(',')}`);
  }
  return out;
}

describe('demo pack end to end', () => {
  it('auto-confirms only what the policy allows, escalates with the clause, leaves exceptions, and the chain verifies', () => {
    const e = demoEngine();
    const pass = e.runReconPass();
    expect(pass.state).toBe('SUCCEEDED');
    expect(e.context.store.entries.countByState().unmatched).toBe(0);
    expect(pass.autoConfirmed.length).toBeGreaterThan(30);
    expect(pass.autoConfirmed.every((m) => m.type === 'exact')).toBe(true);
    expect(pass.exceptions.length).toBeGreaterThanOrEqual(4);
    for (const x of pass.escalated) {
      const rule = Object.values(e.policy.document.rules).find((r) => r.code === x.code);
      expect(x.clauseText).toBe(rule!.text);
    }
    const jpy = e.queries.escalation(
      pass.escalated.find(
        (x) => e.queries.match(x.matchId).entries[0]!.reference === DEMO_MARKERS.jpyAboveOverrideReference,
      )!.escalationId!,
    );
    expect(jpy).toMatchObject({
      code: 'MATERIALITY_OVER_THRESHOLD',
      clausePointer: '/rules/materiality_over_threshold',
      state: 'open',
    });
    // below the USD threshold in dollars: only the JP01 yen override catches it
    expect(e.queries.match(Number(jpy.subjectId)).amountUsd).toBe('9750.00');
    const verify = e.queries.verifyAudit();
    expect(verify.ok).toBe(true);
    e.close();
  });

  it('the prompt-injected memo changes nothing: decisions equal those for the same pack without the memo', () => {
    const withMemo = demoEngine();
    const plain = demoEngine();
    const memoEntry = withMemo.context.store.entries
      .inState('unmatched')
      .find((x) => x.description.includes(DEMO_MARKERS.injectionMemo))!;
    expect(memoEntry.accountCode).toBe('1030');
    plain.context.store.db
      .prepare("UPDATE entries SET description = 'Treasury sweep' WHERE id = ?")
      .run(memoEntry.id);
    withMemo.runReconPass();
    plain.runReconPass();
    expect(outcomes(withMemo)).toEqual(outcomes(plain));
    const treasury = [...outcomes(withMemo)].filter(([refs]) => refs.includes('TRSY'));
    expect(treasury).toHaveLength(3);
    for (const [, o] of treasury) expect(o).toBe('pending_approval:ACCOUNT_FORCED_HUMAN');
    const confirmedIn1030 = withMemo.context.store.db
      .prepare("SELECT COUNT(*) FROM entries WHERE account_code = '1030' AND state = 'matched'")
      .pluck()
      .get();
    expect(confirmedIn1030).toBe(0);
    withMemo.close();
    plain.close();
  });

  it('does not propose again a set of lines a human rejected', () => {
    const e = demoEngine();
    const first = e.runReconPass();
    const fuzzy = first.escalated.find((x) => x.type === 'fuzzy')!;
    const r = e.operations.resolveEscalation({
      actor: 'human:bob',
      idempotencyKey: 'reject-1',
      escalationId: fuzzy.escalationId!,
      decision: 'reject',
      rationale: 'different invoice, see ticket 88',
    });
    expect(r.status).toBe('rejected');
    const again = e.runReconPass();
    expect(again).toMatchObject({ proposed: 0, skippedRejected: 1 });
    e.close();
  });

  it('a second pass over the same book proposes nothing new and keeps the chain intact', () => {
    const e = demoEngine();
    e.runReconPass();
    const again = e.runReconPass();
    expect(again).toMatchObject({ state: 'SUCCEEDED', proposed: 0, exceptions: [] });
    expect(e.queries.verifyAudit().ok).toBe(true);
    e.close();
  });
});
