import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyState } from '../src/audit/replay/index.js';
import { IdempotencyConflictError, InvalidInputError, type Engine } from '../src/index.js';
import { demoEngine, key, snapshot } from './helpers.js';

let engines: Engine[] = [];
afterEach(() => {
  for (const e of engines) {
    const file = e.context.store.db.name;
    e.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
  engines = [];
});

/** A demo book with one unmatched entry flagged as an exception by the agent. */
function flagged(): { e: Engine; entryId: number; exceptionId: number } {
  const e = demoEngine();
  engines.push(e);
  const entryId = e.context.store.entries.inState('unmatched')[0]!.id;
  const f = e.operations.flagException({
    actor: 'llm:agent-1',
    idempotencyKey: key(),
    entryId,
    reason: 'no counterpart',
  });
  expect(f.status).toBe('flagged');
  return { e, entryId, exceptionId: f.exceptionId! };
}

describe('resolve_exception', () => {
  it('a human resolves with a reason: exception resolved with who/why/when, entry back to unmatched, one audit event, replay agrees', () => {
    const { e, entryId, exceptionId } = flagged();
    const r = e.operations.resolveException({
      actor: 'human:alice',
      idempotencyKey: key(),
      exceptionId,
      reason: 'bank fee booked in April',
    });
    expect(r).toMatchObject({
      operation: 'resolve_exception',
      outcome: 'allow',
      status: 'resolved',
      decision: { outcome: 'allow', tier: 'T1' },
      entryId,
      exceptionId,
      state: 'unmatched',
    });
    const x = e.context.store.exceptions.get(exceptionId)!;
    expect(x).toMatchObject({
      state: 'resolved',
      resolvedBy: 'human:alice',
      resolutionReason: 'bank fee booked in April',
    });
    expect(x.resolvedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(e.context.store.entries.get(entryId)!.state).toBe('unmatched');
    expect(e.context.store.exceptions.openFor(entryId)).toBeUndefined();
    const [event] = e.queries.auditQuery({ type: 'EXCEPTION_RESOLVED' });
    expect(event).toMatchObject({
      seq: r.auditSeq,
      actor: 'human:alice',
      payload: { entryId, exceptionId, reason: 'bank fee booked in April', entryState: 'unmatched' },
    });
    expect(verifyState(e.context.store.db)).toMatchObject({ ok: true, differenceCount: 0, unreadable: [] });
    // the entry can be flagged again later: a new exception, the old one stays resolved
    const again = e.operations.flagException({
      actor: 'llm:agent-1',
      idempotencyKey: key(),
      entryId,
      reason: 'x',
    });
    expect(again.exceptionId).not.toBe(exceptionId);
    expect(verifyState(e.context.store.db).ok).toBe(true);
  });

  it('resolves by entry id (its one open exception)', () => {
    const { e, entryId, exceptionId } = flagged();
    const r = e.operations.resolveException({
      actor: 'human:bob',
      idempotencyKey: key(),
      entryId,
      reason: 'ok',
    });
    expect(r).toMatchObject({ status: 'resolved', exceptionId, entryId });
  });

  it.each(['llm:agent-1', 'engine:recon'])(
    '%s is denied with the clause and nothing but one POLICY_VIOLATION is written',
    (actor) => {
      const { e, exceptionId } = flagged();
      const before = snapshot(e);
      const d = e.operations.resolveException({
        actor,
        idempotencyKey: key(),
        exceptionId,
        reason: 'looks fine',
      });
      expect(d).toMatchObject({
        outcome: 'deny',
        status: 'denied',
        decision: {
          code: 'EXCEPTION_RESOLUTION_REQUIRES_HUMAN',
          clausePointer: '/rules/exception_resolution_requires_human',
          clauseText: e.policy.document.rules.exception_resolution_requires_human.text,
        },
      });
      const after = snapshot(e);
      for (const t of ['entries', 'exceptions', 'matches']) expect(after[t]).toEqual(before[t]);
      expect(e.context.store.exceptions.get(exceptionId)!.state).toBe('open');
      const [violation] = e.queries.auditQuery({ type: 'POLICY_VIOLATION' });
      expect(violation).toMatchObject({ actor, payload: { operation: 'resolve_exception' } });
      expect(e.queries.auditQuery({ type: 'EXCEPTION_RESOLVED' })).toHaveLength(0);
    },
  );

  it('refuses a missing, blank or whitespace reason, both or neither subject, and an actor field smuggled as another key', () => {
    const { e, exceptionId, entryId } = flagged();
    const before = snapshot(e);
    const bad: Record<string, unknown>[] = [
      { exceptionId },
      { exceptionId, reason: '' },
      { exceptionId, reason: '   ' },
      { reason: 'no subject' },
      { exceptionId, entryId, reason: 'both' },
      { exceptionId, reason: 'x', resolvedBy: 'human:alice' },
    ];
    for (const input of bad) {
      expect(() =>
        e.operations.resolveException({ actor: 'human:alice', idempotencyKey: key(), ...input } as never),
      ).toThrow(InvalidInputError);
    }
    expect(snapshot(e)).toEqual(before);
  });

  it('an unknown, already-resolved or never-flagged subject is refused with a stable code', () => {
    const { e, exceptionId } = flagged();
    const call = (input: Record<string, unknown>) => () =>
      e.operations.resolveException({ actor: 'human:alice', idempotencyKey: key(), reason: 'r', ...input });
    expect(call({ exceptionId: 99999 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    expect(call({ entryId: 99999 })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    const other = e.context.store.entries.inState('unmatched')[0]!.id;
    expect(call({ entryId: other })).toThrow(expect.objectContaining({ code: 'STATE_CONFLICT' }));
    call({ exceptionId })();
    expect(call({ exceptionId })).toThrow(expect.objectContaining({ code: 'STATE_CONFLICT' }));
    expect(e.queries.auditQuery({ type: 'EXCEPTION_RESOLVED' })).toHaveLength(1);
  });

  it('a replayed idempotency key returns the first result and changes nothing; the key with other arguments is refused', () => {
    const { e, exceptionId } = flagged();
    const args = { actor: 'human:alice', idempotencyKey: key(), exceptionId, reason: 'duplicate of INV-7' };
    const first = e.operations.resolveException(args);
    const before = snapshot(e);
    expect(e.operations.resolveException(args)).toEqual({ ...first, replayed: true });
    expect(snapshot(e)).toEqual(before);
    expect(() => e.operations.resolveException({ ...args, reason: 'another reason' })).toThrow(
      IdempotencyConflictError,
    );
    expect(snapshot(e)).toEqual(before);
  });

  it('replay: a proposal naming an exception line closes its exception, as the tables do', () => {
    const { e, entryId, exceptionId } = flagged();
    const other = e.context.store.entries.inState('unmatched')[0]!.id;
    const p = e.operations.propose({
      actor: 'human:alice',
      idempotencyKey: key(),
      entryIds: [entryId, other],
    });
    expect(p.status).toBe('proposed');
    expect(e.context.store.exceptions.get(exceptionId)!.state).toBe('resolved');
    expect(verifyState(e.context.store.db)).toMatchObject({ ok: true, differenceCount: 0 });
  });
});
