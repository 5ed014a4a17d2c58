import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchSubjectSchema, parseMatchSubject, parseSubject } from '../src/gate/subjects.js';

/**
 * parseMatchSubject checks the common case by hand and falls back to zod.
 * For any input, valid or hostile, it must give zod's answer: the same
 * (equal) subject, or the same error.
 */
function outcome(parse: () => unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: parse() };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

const junk = fc.constantFrom<unknown>(
  undefined,
  null,
  0,
  1.5,
  '',
  ' ',
  'x',
  true,
  [],
  {},
  new Date(0),
  Object.create(null) as unknown,
);
const maybe = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: junk });
const decimal = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('1', '-2.50', '0.001') },
  { weight: 1, arbitrary: fc.constantFrom('1e3', '1.', '.5', '12,00', '١٢') },
);
const actor = fc.constantFrom(
  'engine:matcher',
  'human:alice',
  'llm:agent-1',
  'robot:x',
  'human:',
  'human:a b',
);
const session = fc.constantFrom('s-1', 's-2', 'x'.repeat(256), '', 'x'.repeat(257));
const holey = (() => {
  const a: unknown[] = ['1030'];
  a[2] = '4000';
  return a;
})();
const accountCodes = fc.oneof(
  fc.array(fc.constantFrom('1030', '4000', ''), { maxLength: 3 }),
  fc.constant(holey),
  fc.constant(['1030', 7]),
);
const localAmount = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ amount: decimal, currency: fc.constantFrom('USD', 'JPY', 'XXX', 'usd') }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ amount: decimal, currency: fc.constant('JPY'), extra: fc.constant(1) }),
  },
  { weight: 1, arbitrary: junk },
);

const subject = fc.record(
  {
    kind: maybe(fc.constantFrom('match', 'match', 'match', 'match', 'period')),
    matchId: maybe(fc.constantFrom('m-1', '17', '42', '')),
    state: maybe(fc.constantFrom('proposed', 'confirmed', '')),
    matchType: maybe(fc.constantFrom('exact', 'fuzzy', 'many_to_one', 'exact', 'EXACT')),
    proposedBy: maybe(actor),
    amountUsd: maybe(decimal),
    entity: maybe(fc.constantFrom('US01', '')),
    localAmount,
    accountCodes: maybe(accountCodes),
    rationale: maybe(fc.constantFrom('why', '')),
    proposerSessionId: maybe(session),
    actorSessionId: maybe(session),
  },
  { requiredKeys: ['matchId', 'state', 'matchType', 'proposedBy', 'amountUsd', 'entity', 'accountCodes'] },
);

/** A required key dropped at random, or an unknown key added. */
const smuggling = fc
  .tuple(subject, fc.constantFrom('matchId', 'amountUsd', 'unknownKey', 'toString'))
  .map(([s, key]) => {
    const out: Record<string, unknown> = { ...s };
    if (key in out) delete out[key];
    else out[key] = 'smuggled';
    return out;
  });

describe('parseMatchSubject', () => {
  it('gives zod’s answer for any subject', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof({ weight: 8, arbitrary: subject }, { weight: 2, arbitrary: smuggling }, junk),
        (s) => {
          const fast = outcome(() => parseMatchSubject(s, 'confirm'));
          const slow = outcome(() => parseSubject(matchSubjectSchema, s, 'confirm'));
          expect(fast).toEqual(slow);
          if (fast.ok) accepted++;
        },
      ),
      { numRuns: 20_000, seed: 42 },
    );
    // the generator must reach the accepting branch, not only the refusals
    expect(accepted).toBeGreaterThan(50);
  });

  it('passes a well-formed subject through and still refuses a smuggled key the way zod does', () => {
    const s = {
      kind: 'match',
      matchId: '1',
      state: 'proposed',
      matchType: 'exact',
      proposedBy: 'engine:matcher',
      amountUsd: '10.00',
      entity: 'US01',
      accountCodes: ['1030'],
    };
    expect(parseMatchSubject(s, 'confirm')).toBe(s);
    const smuggled = { ...s, autoConfirm: true };
    expect(parseMatchSubject(smuggled, 'confirm')).toEqual(s);
    expect(parseMatchSubject(smuggled, 'confirm')).not.toHaveProperty('autoConfirm');
  });
});
