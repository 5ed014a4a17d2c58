import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBankAmount } from '../../src/import/amounts.js';

/** `digits` grouped by three from the right with `sep`. */
function group(digits: string, sep: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/**
 * Any amount a bank writes parses to exactly the plain decimal it stands for,
 * whatever its size (beyond 2^53 too: never through a float), in every
 * supported spelling: plain, grouped, parenthesised, decimal comma.
 */
describe('bank amounts, property', () => {
  it('every spelling of an amount parses to the same exact decimal', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        (minor, decimals, negative) => {
          const s = minor.toString().padStart(decimals + 1, '0');
          const int = decimals === 0 ? s : s.slice(0, -decimals);
          const frac = decimals === 0 ? '' : s.slice(-decimals);
          const isZero = /^0*$/.test(s);
          const sign = negative && !isZero ? '-' : '';
          const intPlain = int.replace(/^0+(?=\d)/, '');
          const plain = `${sign}${intPlain}${frac ? `.${frac}` : ''}`;
          const spell = (sep: string, point: string, parens: boolean) => {
            const body = `${group(intPlain, sep)}${frac ? `${point}${frac}` : ''}`;
            if (!negative) return body;
            return parens ? `(${body})` : `-${body}`;
          };
          const dot = { decimalComma: false };
          const comma = { decimalComma: true };
          for (const [text, fmt] of [
            [spell('', '.', false), dot],
            [spell(',', '.', false), dot],
            [spell(',', '.', true), dot],
            [spell('.', ',', false), comma],
            [spell('.', ',', true), comma],
          ] as const) {
            expect(parseBankAmount(text, fmt), text).toEqual({ ok: true, value: plain });
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an exponent, a stray sign or a misplaced separator is never accepted', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), (n) => {
        const s = n.toString();
        const bad = [`${s}e2`, `+${s}`, `${s} `, `-(${s})`, `${s}.`, `.${s}`, `${s}-`];
        // a group after the first separator must have exactly three digits
        if (s.length !== 3) bad.push(`1,${s}.00`);
        for (const text of bad) expect(parseBankAmount(text, { decimalComma: false }).ok, text).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
