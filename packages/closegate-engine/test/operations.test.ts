import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError, InjectedFaultError, InvalidInputError } from '../src/index.js';
import { demoEngine, key, snapshot } from './helpers.js';

/** Entry ids of the demo's exact US01/1010 pair INV-1001 (GL + bank). */
function inv1001(e: ReturnType<typeof demoEngine>, ref = 'INV-1001'): number[] {
  return e.context.store.entries
    .inState('unmatched')
    .filter((x) => x.reference === ref)
    .map((x) => x.id);
}

describe('operations', () => {
  it('propose then confirm by a different actor confirms the match and audits each step once', () => {
    const e = demoEngine();
    const before = e.context.store.audit.count();
    const p = e.operations.propose({ actor: 'llm:agent-1', idempotencyKey: key(), entryIds: inv1001(e) });
    expect(p).toMatchObject({ outcome: 'allow', status: 'proposed', state: 'proposed' });
    const c = e.operations.confirm({ actor: 'human:alice', idempotencyKey: key(), matchId: p.matchId! });
    expect(c).toMatchObject({ outcome: 'allow', status: 'confirmed' });
    expect(e.queries.match(p.matchId!).entries.every((x) => x.state === 'matched')).toBe(true);
    expect(e.context.store.audit.count()).toBe(before + 2);
    e.close();
  });

  it('a Deny writes one POLICY_VIOLATION with code, verbatim clause, pointer and policy version, and changes nothing else', () => {
    const e = demoEngine();
    const p = e.operations.propose({ actor: 'llm:agent-1', idempotencyKey: key(), entryIds: inv1001(e) });
    const before = snapshot(e);
    const d = e.operations.confirm({ actor: 'llm:agent-2', idempotencyKey: key(), matchId: p.matchId! });
    expect(d).toMatchObject({ outcome: 'deny', status: 'denied', decision: { code: 'SOD_SAME_ACTOR' } });
    const after = snapshot(e);
    for (const t of ['entries', 'matches', 'match_lines', 'escalations', 'exceptions', 'periods'])
      expect(after[t]).toEqual(before[t]);
    const [event] = e.queries.auditQuery({ type: 'POLICY_VIOLATION' });
    expect(event!.payload).toMatchObject({
      code: 'SOD_SAME_ACTOR',
      clauseText: e.policy.document.rules.sod_llm_confirms_llm.text,
      clausePointer: '/rules/sod_llm_confirms_llm',
      policyVersion: e.policy.version,
    });
    e.close();
  });

  it("session-level SoD: a confirm from the proposer's transport session is denied even under another actor id", () => {
    const e = demoEngine();
    const p = e.operations.propose({
      actor: 'llm:agent-1',
      idempotencyKey: key(),
      entryIds: inv1001(e),
      sessionId: 'mcp-session-42',
    });
    const d = e.operations.confirm({
      actor: 'human:alice',
      idempotencyKey: key(),
      matchId: p.matchId!,
      sessionId: 'mcp-session-42',
    });
    expect(d).toMatchObject({
      status: 'denied',
      decision: { code: 'SOD_SAME_ACTOR', clausePointer: '/rules/sod_same_actor' },
    });
    const ok = e.operations.confirm({
      actor: 'human:alice',
      idempotencyKey: key(),
      matchId: p.matchId!,
      sessionId: 'mcp-session-7',
    });
    expect(ok.status).toBe('confirmed');
    e.close();
  });

  it('classifies a hand proposal itself: a caller cannot pass a type', () => {
    const e = demoEngine();
    const ids = inv1001(e);
    expect(() =>
      e.operations.propose({
        actor: 'llm:a',
        idempotencyKey: key(),
        entryIds: ids,
        matchType: 'exact',
      } as never),
    ).toThrow(InvalidInputError);
    expect(() =>
      e.operations.propose({
        actor: 'llm:a',
        idempotencyKey: key(),
        entryIds: ids,
        actor_id: 'human:cfo',
      } as never),
    ).toThrow(InvalidInputError);
    e.close();
  });

  it('rejects malformed input before touching the database', () => {
    const e = demoEngine();
    const before = snapshot(e);
    expect(() => e.operations.confirm({ actor: 'root', idempotencyKey: key(), matchId: 1 })).toThrow(
      InvalidInputError,
    );
    expect(() => e.operations.confirm({ actor: 'human:a', idempotencyKey: '', matchId: 1 })).toThrow(
      InvalidInputError,
    );
    expect(() => e.operations.confirm({ actor: 'human:a', idempotencyKey: key(), matchId: 1.5 })).toThrow(
      InvalidInputError,
    );
    expect(snapshot(e)).toEqual(before);
    e.close();
  });

  it('idempotent replay returns the first result and writes nothing; a reused key with new arguments is refused', () => {
    const e = demoEngine();
    const k = key();
    const first = e.operations.propose({ actor: 'llm:agent-1', idempotencyKey: k, entryIds: inv1001(e) });
    const before = snapshot(e);
    const replay = e.operations.propose({
      actor: 'llm:agent-1',
      idempotencyKey: k,
      entryIds: first.entryIds!,
    });
    expect(replay).toEqual({ ...first, replayed: true });
    expect(snapshot(e)).toEqual(before);
    expect(() =>
      e.operations.propose({ actor: 'llm:agent-1', idempotencyKey: k, entryIds: [first.entryIds![0]!, 99] }),
    ).toThrow(IdempotencyConflictError);
    expect(() =>
      e.operations.confirm({ actor: 'llm:agent-1', idempotencyKey: k, matchId: first.matchId! }),
    ).toThrow(IdempotencyConflictError);
    // keys are scoped per actor: another actor's key never returns this actor's result
    const other = e.operations.confirm({ actor: 'human:bob', idempotencyKey: k, matchId: first.matchId! });
    expect(other.status).toBe('confirmed');
    e.close();
  });

  it('a denied call replays as the same denial without a second violation event', () => {
    const e = demoEngine();
    const p = e.operations.propose({ actor: 'human:alice', idempotencyKey: key(), entryIds: inv1001(e) });
    const k = key();
    const d1 = e.operations.confirm({ actor: 'human:alice', idempotencyKey: k, matchId: p.matchId! });
    const d2 = e.operations.confirm({ actor: 'human:alice', idempotencyKey: k, matchId: p.matchId! });
    expect(d1.status).toBe('denied');
    expect(d2).toEqual({ ...d1, replayed: true });
    expect(e.queries.auditQuery({ type: 'POLICY_VIOLATION' })).toHaveLength(1);
    e.close();
  });

  it('atomicity: a fault after the mutation and before commit leaves no change and no audit row', () => {
    let armed = false;
    const e = demoEngine({
      faultInjector: (point, op) => {
        if (armed) throw new InjectedFaultError(`${point}:${op}`);
      },
    });
    const p = e.operations.propose({ actor: 'llm:agent-1', idempotencyKey: key(), entryIds: inv1001(e) });
    const before = snapshot(e);
    armed = true;
    const k = key();
    expect(() =>
      e.operations.confirm({ actor: 'human:alice', idempotencyKey: k, matchId: p.matchId! }),
    ).toThrow(InjectedFaultError);
    expect(() =>
      e.operations.propose({ actor: 'llm:x', idempotencyKey: key(), entryIds: inv1001(e, 'INV-1002') }),
    ).toThrow(InjectedFaultError);
    expect(() =>
      e.operations.closePeriod({
        actor: 'human:alice',
        idempotencyKey: key(),
        entity: 'US01',
        period: '2026-03',
      }),
    ).toThrow(InjectedFaultError);
    const failed = e.runReconPass();
    expect(failed).toMatchObject({ state: 'FAILED', proposed: 0, autoConfirmed: [], escalated: [] });
    const after = snapshot(e);
    expect(after.exceptions).toEqual(before.exceptions);
    expect(after.escalations).toEqual(before.escalations);
    expect(after.matches).toEqual(before.matches);
    expect(after.entries).toEqual(before.entries);
    expect(after.idempotency_keys).toEqual(before.idempotency_keys);
    // only the failed pass's run bookkeeping was written: no proposal, no confirmation
    const types = e.queries.auditQuery({ limit: 1000 }).map((r) => r.type);
    expect(types.filter((t) => t === 'MATCH_CONFIRMED' || t === 'PERIOD_CLOSE_REQUESTED')).toHaveLength(0);
    armed = false;
    // the same key works afterwards: the failed attempt left no idempotency record
    expect(
      e.operations.confirm({ actor: 'human:alice', idempotencyKey: k, matchId: p.matchId! }).status,
    ).toBe('confirmed');
    expect(e.queries.verifyAudit().ok).toBe(true);
    e.close();
  });

  it('T3 close needs two distinct humans, neither the requester', () => {
    const e = demoEngine();
    const req = e.operations.closePeriod({
      actor: 'human:alice',
      idempotencyKey: key(),
      entity: 'US01',
      period: '2026-03',
    });
    expect(req).toMatchObject({
      status: 'close_requested',
      outcome: 'require_human_approval',
      decision: { code: 'T3_DUAL_APPROVAL_REQUIRED' },
    });
    const id = req.escalationId!;
    const vote = (actor: string) =>
      e.operations.resolveEscalation({ actor, idempotencyKey: key(), escalationId: id, decision: 'approve' });
    expect(vote('llm:agent')).toMatchObject({
      status: 'denied',
      decision: { code: 'ESCALATION_REQUIRES_HUMAN' },
    });
    expect(vote('human:alice')).toMatchObject({ status: 'denied', decision: { code: 'SOD_SAME_ACTOR' } });
    expect(vote('human:bob')).toMatchObject({ status: 'vote_recorded' });
    expect(() => vote('human:BOB')).toThrow(/already voted/);
    expect(e.context.store.periods.get('US01', '2026-03').state).toBe('closing');
    expect(vote('human:carol')).toMatchObject({ status: 'closed', outcome: 'allow' });
    expect(e.context.store.periods.get('US01', '2026-03').state).toBe('closed');
    // posting into the closed period is now held for T3 approval, nothing posted
    const csv =
      'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty\r\ngl,US01,1010,2026-03-15,10.00,USD,X,late,\r\n';
    const blocked = e.operations.importCsv({ actor: 'human:alice', csv });
    expect(blocked).toMatchObject({
      status: 'escalated',
      imported: 0,
      decision: { code: 'T3_DUAL_APPROVAL_REQUIRED' },
    });
    expect(e.queries.verifyAudit().ok).toBe(true);
    e.close();
  });

  it('a human resolves an escalated match; above materiality a rationale is required', () => {
    const e = demoEngine();
    const pass = e.runReconPass();
    const big = pass.escalated.find((x) => x.amountUsd === '250000.00')!;
    expect(big.code).toBe('MATERIALITY_OVER_THRESHOLD');
    const noWhy = e.operations.resolveEscalation({
      actor: 'human:alice',
      idempotencyKey: key(),
      escalationId: big.escalationId!,
      decision: 'approve',
    });
    expect(noWhy).toMatchObject({ status: 'denied', decision: { code: 'MISSING_RATIONALE' } });
    const ok = e.operations.resolveEscalation({
      actor: 'human:alice',
      idempotencyKey: key(),
      escalationId: big.escalationId!,
      decision: 'approve',
      rationale: 'Globex prepayment agreed to contract 7781',
    });
    expect(ok).toMatchObject({ status: 'confirmed', matchId: big.matchId });
    expect(e.queries.escalation(big.escalationId!).state).toBe('approved');
    const fuzzy = pass.escalated.find((x) => x.type === 'fuzzy')!;
    const rej = e.operations.resolveEscalation({
      actor: 'human:bob',
      idempotencyKey: key(),
      escalationId: fuzzy.escalationId!,
      decision: 'reject',
      rationale: 'wrong counterparty on the bank side',
    });
    expect(rej).toMatchObject({ status: 'rejected' });
    expect(e.queries.match(fuzzy.matchId).entries.every((x) => x.state === 'unmatched')).toBe(true);
    e.close();
  });
});
