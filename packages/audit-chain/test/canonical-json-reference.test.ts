import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalJson } from '../src/index.js';

/**
 * canonicalJson has a fast writer (no path tracking) and falls back to the
 * path-tracking writer only to report a refusal. These properties pin the fast
 * output to an independent reference: keys sorted recursively, then the
 * engine's own JSON.stringify.
 */
const accepted = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.boolean(),
    fc.constant(null),
    fc.maxSafeInteger(),
    fc.constant(-0),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort();
  return Object.fromEntries(keys.map((k) => [k, sortedDeep((value as Record<string, unknown>)[k])]));
}

describe('canonicalJson fast writer', () => {
  it('equals sorted-key JSON.stringify for every accepted value (property)', () => {
    fc.assert(
      fc.property(accepted, (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(sortedDeep(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts narrow and wide objects alike (the key sort switches method past 24 keys)', () => {
    const flat = fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), { maxKeys: 40 });
    fc.assert(
      fc.property(flat, (obj) => {
        // written by hand: an object rebuilt from sorted keys would put integer-like keys first again
        const expected = `{${Object.keys(obj)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${JSON.stringify(obj[k])}`)
          .join(',')}}`;
        expect(canonicalJson(obj)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('still names the JSON path when it refuses deep inside a value', () => {
    const bad = { a: [1, { b: 0.5 }], z: 'ok' };
    expect(() => canonicalJson(bad)).toThrow(CanonicalJsonError);
    expect(() => canonicalJson(bad)).toThrow(/\/a\/1\/b/);
  });

  it('reports a wide cycle as a cycle, quickly (the fast writer bails out on its first lap)', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 20; i++) wide[`k${i}`] = wide;
    expect(() => canonicalJson(wide)).toThrow(/cycle/);
  });

  it('refuses a hole in an array and a class instance, like the reference writer', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(() => canonicalJson({ a: [1, , 3] })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/Date instance/);
  });
});
