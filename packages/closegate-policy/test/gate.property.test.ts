import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, MATCH_STATES, MATCH_TYPES, evaluate, parseActor, type Decision } from '../src/index.js';
import { examplePolicy } from './helpers.js';

const actorId = fc.constantFrom('alice', 'Alice', 'ALICE', 'bob', 'agent-1', 'agent-2', 'matcher', 'recon');
const actor = fc
  .tuple(fc.constantFrom('human', 'llm', 'engine'), actorId)
  .map(([kind, id]) => `${kind}:${id}`);
const decimal = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 9n }), fc.integer({ min: 0, max: 99 }))
  .map(([negative, whole, cents]) => `${negative ? '-' : ''}${whole}.${String(cents).padStart(2, '0')}`);
const sessionId = fc.option(fc.constantFrom('s-1', 's-2'), { nil: undefined });

const matchSubject = fc.record(
  {
    matchId: fc.constant('m-1'),
    state: fc.constantFrom(...MATCH_STATES, 'unmatched'),
    matchType: fc.constantFrom(...MATCH_TYPES),
    proposedBy: actor,
    amountUsd: decimal,
    entity: fc.constantFrom('US01', 'JP01', 'IN01'),
    localAmount: fc.option(fc.record({ amount: decimal, currency: fc.constantFrom('USD', 'JPY', 'INR') }), {
      nil: undefined,
    }),
    accountCodes: fc.array(fc.constantFrom('1030', '10315', '1200', '4000', '3100'), { maxLength: 3 }),
    rationale: fc.option(fc.constantFrom('', 'short', 'A rationale that is long enough.'), {
      nil: undefined,
    }),
    proposerSessionId: sessionId,
    actorSessionId: sessionId,
  },
  { requiredKeys: ['matchId', 'state', 'matchType', 'proposedBy', 'amountUsd', 'entity', 'accountCodes'] },
);

const periodSubject = fc.record({
  kind: fc.constant('period' as const),
  entity: fc.constant('US01'),
  period: fc.constant('2026-03'),
  periodState: fc.constantFrom('open', 'closing', 'closed'),
  requestedBy: actor,
  approvals: fc.array(actor, { maxLength: 4 }),
});

function decide(action: (typeof ACTIONS)[number], subject: unknown, who: string): Decision | string {
  try {
    return evaluate(action, subject, who, examplePolicy);
  } catch (error) {
    return (error as { code: string }).code;
  }
}

describe('gate properties', () => {
  it('is deterministic: the same input always gives the same decision', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.oneof(matchSubject, periodSubject),
        actor,
        (action, subject, who) => {
          const first = decide(action, subject, who);
          const copy = structuredClone(subject);
          expect(decide(action, copy, who)).toEqual(first);
          expect(decide(action, subject, who)).toEqual(first);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('never lets an actor confirm its own proposal, nor an llm confirm an llm proposal', () => {
    fc.assert(
      fc.property(matchSubject, actor, (subject, who) => {
        const decision = decide('confirm', subject, who);
        if (typeof decision === 'string' || decision.outcome !== 'allow') return;
        const confirmer = parseActor(who);
        const proposer = parseActor(subject.proposedBy);
        const sameId =
          confirmer.kind === proposer.kind && confirmer.id.toLowerCase() === proposer.id.toLowerCase();
        expect(sameId).toBe(false);
        expect(confirmer.kind === 'llm' && proposer.kind === 'llm').toBe(false);
        const sameSession =
          subject.proposerSessionId !== undefined && subject.proposerSessionId === subject.actorSessionId;
        expect(sameSession).toBe(false);
      }),
      { numRuns: 5000 },
    );
  });

  it('self-confirmation is denied whatever else the subject says', () => {
    fc.assert(
      fc.property(matchSubject, (subject) => {
        const decision = decide('confirm', subject, subject.proposedBy);
        expect(typeof decision === 'string' ? decision : decision.outcome).toBe('deny');
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets a machine confirm material, sensitive or no_auto_confirm matches', () => {
    fc.assert(
      fc.property(matchSubject, fc.constantFrom('llm:x', 'engine:y'), (subject, who) => {
        const decision = decide('confirm', subject, who);
        if (typeof decision === 'string' || decision.outcome !== 'allow') return;
        expect(subject.matchType).toBe('exact');
        expect(
          subject.accountCodes.some(
            (code) => code === '1030' || code.startsWith('1031') || code.startsWith('3'),
          ),
        ).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('allows a T3 action only with two distinct human approvers other than the requester', () => {
    fc.assert(
      fc.property(periodSubject, actor, (subject, who) => {
        const decision = decide('close_period', subject, who);
        if (typeof decision === 'string' || decision.outcome !== 'allow') return;
        const requester = parseActor(subject.requestedBy);
        const approvers = subject.approvals.map((raw) => parseActor(raw));
        expect(approvers.every((a) => a.kind === 'human')).toBe(true);
        expect(
          approvers.some(
            (a) => a.id.toLowerCase() === requester.id.toLowerCase() && a.kind === requester.kind,
          ),
        ).toBe(false);
        expect(new Set(approvers.map((a) => a.id.toLowerCase())).size).toBeGreaterThanOrEqual(2);
        expect(decision.tier).toBe('T3');
      }),
      { numRuns: 3000 },
    );
  });

  it('every non-allow decision cites a rule of the policy verbatim', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ACTIONS),
        fc.oneof(matchSubject, periodSubject),
        actor,
        (action, subject, who) => {
          const decision = decide(action, subject, who);
          if (typeof decision === 'string' || decision.outcome === 'allow') return;
          const key = decision.clausePointer.replace(
            /^\/rules\//,
            '',
          ) as keyof typeof examplePolicy.document.rules;
          expect(examplePolicy.document.rules[key].text).toBe(decision.clauseText);
          expect(examplePolicy.document.rules[key].code).toBe(decision.code);
          expect(decision.policyVersion).toBe(examplePolicy.version);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
