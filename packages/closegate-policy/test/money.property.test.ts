import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, MoneyError, parseAmount } from '../src/index.js';

/** Integer cents to a decimal string ("-1234" -> "-12.34"), computed without floats. */
function centsToString(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative && abs !== 0n ? '-' : ''}${whole}.${fraction}`;
}

const cents = fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n });

describe('money properties', () => {
  it('summing 100,000 random cent amounts equals the BigInt integer-cent sum', () => {
    fc.assert(
      fc.property(fc.array(cents, { minLength: 100_000, maxLength: 100_000 }), (amounts) => {
        let expected = 0n;
        let total = Money.zero('USD');
        for (const amount of amounts) {
          expected += amount;
          total = total.add(Money.of(centsToString(amount), 'USD'));
        }
        expect(total.toString()).toBe(centsToString(expected));
      }),
      { numRuns: 2 },
    );
  });

  it('add then sub returns the original exactly', () => {
    fc.assert(
      fc.property(cents, cents, (a, b) => {
        const x = Money.of(centsToString(a), 'EUR');
        const y = Money.of(centsToString(b), 'EUR');
        expect(x.add(y).sub(y).eq(x)).toBe(true);
        expect(x.sub(y).toString()).toBe(centsToString(a - b));
        expect(x.cmp(y)).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects every JS number', () => {
    fc.assert(
      fc.property(fc.double(), (value) => {
        expect(() => parseAmount(value)).toThrow(MoneyError);
      }),
    );
  });

  it('accepts exactly the strings matching the decimal grammar', () => {
    const grammar = /^-?\d+(\.\d+)?$/;
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('0', '1', '9', '-', '+', '.', 'e', ' ', ','), maxLength: 8 }),
        (text) => {
          let accepted = true;
          try {
            parseAmount(text);
          } catch (error) {
            expect(error).toBeInstanceOf(MoneyError);
            accepted = false;
          }
          expect(accepted).toBe(grammar.test(text));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
