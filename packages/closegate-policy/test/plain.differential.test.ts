import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, absPlain, comparePlainAbs } from '../src/index.js';

/**
 * absPlain and comparePlainAbs stand in for Decimal on the gate's hot path,
 * so they must agree with Decimal on every plain decimal string, including
 * leading and trailing zeros, negative zero and more digits than Decimal's
 * precision.
 */
const digits = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const plain = fc
  .tuple(fc.boolean(), digits(1, 40), fc.option(digits(1, 20), { nil: undefined }))
  .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === undefined ? '' : `.${frac}`}`);
// small values collide often, which exercises equality and shared prefixes
const near = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3 }), fc.boolean())
  .map(([neg, n, scale, pad]) => {
    const s = (n / 10 ** scale).toFixed(scale);
    return `${neg ? '-' : ''}${pad ? '00' : ''}${s}${pad && scale > 0 ? '00' : ''}`;
  });
const amount = fc.oneof(plain, near);

describe('plain decimal text against Decimal', () => {
  it('absPlain writes |x| exactly as Decimal abs().toFixed() does', () => {
    fc.assert(
      fc.property(amount, (x) => {
        expect(absPlain(x)).toBe(new Decimal(x).abs().toFixed());
      }),
      { numRuns: 20_000 },
    );
  });

  it('comparePlainAbs orders |a| and |b| as Decimal does', () => {
    fc.assert(
      fc.property(amount, amount, (a, b) => {
        const got = Math.sign(comparePlainAbs(absPlain(a)!, absPlain(b)!));
        expect(got).toBe(new Decimal(a).abs().comparedTo(new Decimal(b).abs()));
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers undefined for anything but a plain decimal string', () => {
    for (const x of ['', '-', '1.', '.5', '+1', '1e3', ' 1', '1 ', '1,000', 'NaN', 'Infinity', '--1', '0x10'])
      expect(absPlain(x)).toBeUndefined();
  });
});
