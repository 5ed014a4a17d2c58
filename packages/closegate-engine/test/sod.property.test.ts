import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyState } from '../src/audit/replay/index.js';
import { EngineError, type Engine } from '../src/index.js';
import { demoEngine } from './helpers.js';

const ACTORS = [
  'human:alice',
  'human:bob',
  'human:Alice',
  'llm:agent-1',
  'llm:agent-2',
  'engine:matcher',
  'engine:autoconfirm',
];

type Op =
  | { kind: 'propose'; actor: string; pick: number[] }
  | { kind: 'confirm' | 'reject' | 'escalate'; actor: string; pick: number; rationale: boolean }
  | { kind: 'resolve'; actor: string; pick: number; approve: boolean; rationale: boolean }
  | { kind: 'flag'; actor: string; pick: number }
  | { kind: 'selfConfirm'; pick: number; upper: boolean; rationale: boolean }
  | { kind: 'llmConfirmsLlm'; pick: number }
  | { kind: 'pass' };

const actor = fc.constantFrom(...ACTORS);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('propose' as const),
    actor,
    pick: fc.array(fc.nat(200), { minLength: 2, maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constantFrom('confirm' as const, 'reject' as const, 'escalate' as const),
    actor,
    pick: fc.nat(60),
    rationale: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('resolve' as const),
    actor,
    pick: fc.nat(30),
    approve: fc.boolean(),
    rationale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('flag' as const), actor, pick: fc.nat(200) }),
  // attacker's moves: confirm as the proposer (maybe with a case-changed id), or as another llm
  fc.record({
    kind: fc.constant('selfConfirm' as const),
    pick: fc.nat(60),
    upper: fc.boolean(),
    rationale: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('llmConfirmsLlm' as const), pick: fc.nat(60) }),
  fc.constant({ kind: 'pass' as const }),
);

let seq = 0;
const WHY = 'checked against the bank statement';

/** Applies one op; typed engine errors (state conflicts, bad ids) are expected outcomes. Returns audit rows the op should add (0 or 1). */
function apply(e: Engine, o: Op): void {
  const k = `p-${++seq}`;
  const ops = e.operations;
  const why = (b: boolean) => (b ? { rationale: WHY } : {});
  try {
    if (o.kind === 'propose') {
      const open = e.context.store.entries.inState('unmatched');
      if (open.length < 2) return;
      const ids = [...new Set(o.pick.map((i) => open[i % open.length]!.id))];
      if (ids.length >= 2) ops.propose({ actor: o.actor, idempotencyKey: k, entryIds: ids });
    } else if (o.kind === 'confirm' || o.kind === 'reject' || o.kind === 'escalate') {
      const matchId =
        1 +
        (o.pick %
          Math.max(
            1,
            e.context.store.db.prepare('SELECT COUNT(*) AS n FROM matches').pluck().get() as number,
          ));
      if (o.kind === 'confirm')
        ops.confirm({ actor: o.actor, idempotencyKey: k, matchId, ...why(o.rationale) });
      else if (o.kind === 'reject')
        ops.reject({ actor: o.actor, idempotencyKey: k, matchId, ...why(o.rationale) });
      else ops.escalate({ actor: o.actor, idempotencyKey: k, matchId, reason: 'please look' });
    } else if (o.kind === 'resolve') {
      const open = e.queries.pendingEscalations({ limit: 1000 });
      if (open.length === 0) return;
      const esc = open[o.pick % open.length]!;
      ops.resolveEscalation({
        actor: o.actor,
        idempotencyKey: k,
        escalationId: esc.id,
        decision: o.approve ? 'approve' : 'reject',
        ...why(o.rationale),
      });
    } else if (o.kind === 'selfConfirm' || o.kind === 'llmConfirmsLlm') {
      const ids = e.context.store.db
        .prepare("SELECT id FROM matches WHERE state IN ('proposed', 'pending_approval') ORDER BY id")
        .pluck()
        .all() as number[];
      if (ids.length === 0) return;
      const m = e.context.store.matches.get(ids[o.pick % ids.length]!)!;
      if (o.kind === 'llmConfirmsLlm') {
        if (m.proposedBy.startsWith('llm:'))
          ops.confirm({ actor: `${m.proposedBy}-other`, idempotencyKey: k, matchId: m.id });
        return;
      }
      const [kind, id] = m.proposedBy.split(':') as [string, string];
      const self = o.upper ? `${kind}:${id.toUpperCase()}` : m.proposedBy;
      ops.confirm({ actor: self, idempotencyKey: k, matchId: m.id, ...why(o.rationale) });
    } else if (o.kind === 'flag') {
      ops.flagException({ actor: o.actor, idempotencyKey: k, entryId: 1 + (o.pick % 154), reason: 'odd' });
    } else {
      e.runReconPass();
    }
  } catch (err) {
    if (!(err instanceof EngineError) && (err as { code?: string }).code !== 'STATE_ILLEGAL_TRANSITION')
      throw err;
  }
}

describe('segregation of duties under any operation sequence (property)', () => {
  it('no match is confirmed by its proposer, no llm confirms an llm proposal, every mutation has exactly one audit event', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const e = demoEngine();
        try {
          for (const o of ops) {
            const auditBefore = e.context.store.audit.count();
            const keysBefore = e.context.store.db
              .prepare('SELECT COUNT(*) FROM idempotency_keys')
              .pluck()
              .get() as number;
            apply(e, o);
            if (o.kind !== 'pass') {
              // an operation either committed (one key row, exactly one audit event) or left no trace
              const keysAfter = e.context.store.db
                .prepare('SELECT COUNT(*) FROM idempotency_keys')
                .pluck()
                .get() as number;
              expect(e.context.store.audit.count() - auditBefore).toBe(keysAfter - keysBefore);
            }
          }
          const confirmed = e.context.store.db
            .prepare(
              "SELECT id, proposed_by AS proposedBy, decided_by AS decidedBy FROM matches WHERE state = 'confirmed'",
            )
            .all() as { id: number; proposedBy: string; decidedBy: string }[];
          for (const m of confirmed) {
            expect(m.decidedBy.toLowerCase()).not.toBe(m.proposedBy.toLowerCase());
            expect(m.decidedBy.startsWith('llm:') && m.proposedBy.startsWith('llm:')).toBe(false);
          }
          // every confirmed match has exactly one MATCH_CONFIRMED event, by the decider
          const events = e.queries.auditQuery({ type: 'MATCH_CONFIRMED', limit: 1000 });
          expect(events).toHaveLength(confirmed.length);
          for (const ev of events) {
            const m = confirmed.find((c) => c.id === ev.payload.matchId)!;
            expect(ev.actor).toBe(m.decidedBy);
          }
          // entry states agree with match states
          const bad = e.context.store.db
            .prepare(
              `SELECT COUNT(*) FROM match_lines l JOIN matches m ON m.id = l.match_id JOIN entries en ON en.id = l.entry_id
              WHERE (m.state = 'confirmed' AND en.state <> 'matched') OR (m.state IN ('proposed','pending_approval') AND en.state <> 'proposed')`,
            )
            .pluck()
            .get();
          expect(bad).toBe(0);
          // escalation records say what happened: `approved` only when the requested action was taken
          const settled = e.context.store.db
            .prepare(
              `SELECT x.id, x.state, x.action, m.state AS matchState FROM escalations x
               JOIN matches m ON x.subject_kind = 'match' AND m.id = CAST(x.subject_id AS INTEGER)
               WHERE x.state <> 'open' AND m.state IN ('confirmed', 'rejected')`,
            )
            .all() as { id: number; state: string; action: string; matchState: string }[];
          for (const x of settled) {
            const taken = x.matchState === 'confirmed' ? 'confirm' : 'reject';
            if (x.state === 'approved') expect(taken).toBe(x.action);
            if (x.state === 'superseded') expect(taken).not.toBe(x.action);
          }
          expect(e.queries.verifyAudit().ok).toBe(true);
          // and the tables are exactly what the audit events replay to
          const replay = verifyState(e.context.store.db);
          expect(replay.differences).toEqual([]);
          expect(replay.unreadable).toEqual([]);
        } finally {
          e.close();
        }
      }),
      { numRuns: 60, seed: 20260322 },
    );
  });
});
