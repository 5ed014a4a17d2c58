import { describe, expect, it } from 'vitest';
import { toMinorUnits } from '../../src/matcher/prepare.js';
import { minorOf } from '../../src/matcher/v2/line.js';

/** The outcome of a parse: the value, or the error's class (both parsers must agree on either). */
function outcome(f: () => bigint): string {
  try {
    return `ok ${f()}`;
  } catch (e) {
    return `throws ${(e as Error).constructor.name}`;
  }
}

describe('matcher v2: amount fast path (minorOf)', () => {
  it('agrees with toMinorUnits on plain, rounded, long and malformed amounts', () => {
    const cases = [
      '0',
      '0.00',
      '-0.00',
      '12',
      '12.3',
      '12.34',
      '12.345', // more fraction digits than the currency: rounded half-even by the slow path
      '-12.345',
      '12.355',
      '00012.30',
      '-7',
      '999999999999.99',
      '99999999999999.99', // past the fast path's length: falls back
      '9007199254740993',
      '.5',
      '5.',
      '-',
      '',
      '1e3',
      '+1',
      '1.2.3',
      ' 1',
      '1,000.00',
    ];
    for (const digits of [0, 2, 3])
      for (const c of cases)
        expect(
          outcome(() => minorOf(c, digits)),
          `${JSON.stringify(c)} at ${digits} digits`,
        ).toBe(outcome(() => toMinorUnits(c, digits)));
  });

  it('agrees with toMinorUnits on generated amounts (deterministic sample)', () => {
    let seed = 42;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let k = 0; k < 5_000; k++) {
      const sign = next() % 2 === 0 ? '-' : '';
      const int = String(next() % 1_000_000_000);
      const fracLen = next() % 4;
      const frac = fracLen === 0 ? '' : `.${String(next()).padStart(fracLen, '0').slice(0, fracLen)}`;
      const s = `${sign}${int}${frac}`;
      for (const digits of [0, 2, 3]) expect(minorOf(s, digits)).toBe(toMinorUnits(s, digits));
    }
  });

  it('reads a typical amount exactly', () => {
    expect(minorOf('1234.5', 2)).toBe(123450n);
    expect(minorOf('-0.07', 2)).toBe(-7n);
    expect(minorOf('500', 0)).toBe(500n);
  });
});
