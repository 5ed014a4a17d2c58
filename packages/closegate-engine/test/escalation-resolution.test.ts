import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '../src/index.js';
import { demoEngine, key } from './helpers.js';

const engines: Engine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.close();
});

/** A match an llm proposed over two unmatched lines of a sensitive account (rejecting it needs a human). */
function sensitiveMatch(): { e: Engine; matchId: number } {
  const e = demoEngine();
  engines.push(e);
  const ids = e.context.store.db
    .prepare(
      `SELECT en.id FROM entries en JOIN accounts a ON a.entity = en.entity AND a.code = en.account_code
       WHERE a.sensitivity = 'sensitive' AND en.state = 'unmatched' ORDER BY en.id LIMIT 2`,
    )
    .pluck()
    .all() as number[];
  expect(ids).toHaveLength(2);
  const p = e.operations.propose({ actor: 'llm:agent-1', idempotencyKey: key(), entryIds: ids });
  expect(p.status).toBe('proposed');
  return { e, matchId: p.matchId! };
}

function escalationOf(e: Engine, id: number): { state: string; action: string; resolved_by: string } {
  return e.context.store.db
    .prepare('SELECT state, action, resolved_by FROM escalations WHERE id = ?')
    .get(id) as never;
}

describe('escalation records say what happened (issue 18)', () => {
  it('an llm reject escalated, then a human confirming the match directly → superseded, never approved', () => {
    const { e, matchId } = sensitiveMatch();
    const rej = e.operations.reject({
      actor: 'llm:agent-2',
      idempotencyKey: key(),
      matchId,
      rationale: 'looks like a duplicate posting',
    });
    expect(rej).toMatchObject({ status: 'escalated' });
    const escalationId = rej.escalationId!;
    expect(escalationOf(e, escalationId)).toMatchObject({ state: 'open', action: 'reject' });
    const conf = e.operations.confirm({
      actor: 'human:dana',
      idempotencyKey: key(),
      matchId,
      rationale: 'checked against the bank statement',
    });
    expect(conf).toMatchObject({ status: 'confirmed' });
    expect(escalationOf(e, escalationId)).toMatchObject({ state: 'superseded', resolved_by: 'human:dana' });
    const ev = e.queries
      .auditQuery({ type: 'MATCH_CONFIRMED', limit: 1000 })
      .find((x) => x.payload.matchId === matchId)!;
    expect(ev.payload).toMatchObject({ escalationId, escalationResolution: 'superseded' });
  });

  it('approving the requested reject through resolve_escalation → approved (the requested action was taken)', () => {
    const { e, matchId } = sensitiveMatch();
    const rej = e.operations.reject({
      actor: 'llm:agent-2',
      idempotencyKey: key(),
      matchId,
      rationale: 'duplicate posting',
    });
    const r = e.operations.resolveEscalation({
      actor: 'human:dana',
      idempotencyKey: key(),
      escalationId: rej.escalationId!,
      decision: 'approve',
      rationale: 'agreed, it is a duplicate',
    });
    expect(r).toMatchObject({ status: 'rejected' });
    expect(escalationOf(e, rej.escalationId!)).toMatchObject({ state: 'approved' });
  });

  it('the superseded state exists in the schema (migration 5) and nothing else is accepted', () => {
    const { e, matchId } = sensitiveMatch();
    e.operations.reject({
      actor: 'llm:agent-2',
      idempotencyKey: key(),
      matchId,
      rationale: 'duplicate posting',
    });
    const raw = new Database(e.dbPath);
    try {
      expect(() => raw.prepare("UPDATE escalations SET state = 'bogus'").run()).toThrow(/CHECK/);
      expect(raw.prepare("UPDATE escalations SET state = 'superseded'").run().changes).toBe(1);
    } finally {
      raw.close();
    }
  });
});
