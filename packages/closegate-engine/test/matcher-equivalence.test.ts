import { Decimal, FixedRateAdapter } from 'closegate-policy';
import { describe, expect, it } from 'vitest';
import { findSubset } from '../src/matcher/manyToOne.js';
import { UsdConverter, type Line } from '../src/matcher/prepare.js';
import {
  distinctWords,
  normalizeReference,
  normalizeText,
  referenceSimilarity,
  wordSimilarity,
} from '../src/matcher/text.js';
import { DEMO_FX_RATES, runMatcher, type Entry, type IntercompanyRule } from '../src/index.js';

/**
 * The fast paths of the matcher against the plain definitions they replace:
 * same numbers, same choices, for any input.
 */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function naiveLevenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
  return d[a.length]![b.length]!;
}

/** The original subset search: every combination in order, sums checked at the leaves. */
function naiveSubset(values: readonly bigint[], target: bigint, maxSize: number): number[] | undefined {
  const chosen: number[] = [];
  const search = (start: number, size: number, sum: bigint): boolean => {
    if (chosen.length === size) return sum === target;
    for (let i = start; i <= values.length - (size - chosen.length); i++) {
      chosen.push(i);
      if (search(i + 1, size, sum + values[i]!)) return true;
      chosen.pop();
    }
    return false;
  };
  for (let size = 2; size <= maxSize; size++) if (search(0, size, 0n)) return [...chosen];
  return undefined;
}

describe('matcher fast paths', () => {
  it('reference similarity equals 1 - levenshtein / max length (prefix/suffix skipping is exact)', () => {
    const rnd = seeded(7);
    const word = () =>
      Array.from({ length: Math.floor(rnd() * 12) }, () => 'ab1'[Math.floor(rnd() * 3)]).join('');
    for (let k = 0; k < 3000; k++) {
      const a = word();
      const b = rnd() < 0.3 ? a + word() : word();
      const expected =
        a.length === 0 || b.length === 0 ? 0 : 1 - naiveLevenshtein(a, b) / Math.max(a.length, b.length);
      expect(referenceSimilarity(a, b)).toBe(expected);
    }
  });

  it('word similarity equals the Dice coefficient over word sets, trailing cut words included', () => {
    const rnd = seeded(11);
    const words = ['acme', 'corp', 'pay', 'x'.repeat(40), 'inv', ''];
    for (let k = 0; k < 2000; k++) {
      const text = () =>
        normalizeText(
          Array.from({ length: Math.floor(rnd() * 5) }, () => words[Math.floor(rnd() * 6)]).join(' '),
        );
      const a = text();
      const b = text();
      const ta = new Set(a.split(' '));
      const tb = new Set(b.split(' '));
      const common = [...ta].filter((t) => tb.has(t)).length;
      const expected = a === '' || b === '' ? 0 : a === b ? 1 : (2 * common) / (ta.size + tb.size);
      expect(wordSimilarity(distinctWords(a), distinctWords(b))).toBe(expected);
    }
  });

  it('normalises plain ASCII and Unicode references as NFKD would', () => {
    for (const s of ['INV-00123 ', 'Ｒ１２３', 'ﬁle-9', 'café #1', '', '\t x-Y ']) {
      expect(normalizeReference(s)).toBe(
        s
          .normalize('NFKD')
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '')
          .slice(0, 48),
      );
    }
  });

  it('finds the same first subset as the exhaustive search (any signs, any sizes)', () => {
    const rnd = seeded(3);
    for (let k = 0; k < 3000; k++) {
      const n = Math.floor(rnd() * 10);
      const sign = rnd() < 0.5 ? 1n : -1n;
      const mixed = rnd() < 0.3;
      const values = Array.from(
        { length: n },
        () => BigInt(Math.floor(rnd() * 20)) * (mixed && rnd() < 0.5 ? -sign : sign),
      );
      const target = BigInt(Math.floor(rnd() * 40)) * sign;
      const maxSize = Math.floor(rnd() * 5);
      const lines = values.map((minor, id) => ({ id, minor }) as Line);
      const got = findSubset(lines, target, maxSize)?.map((l) => l.id);
      expect(got).toEqual(naiveSubset(values, target, maxSize));
    }
  });

  it('never proposes a line twice when intercompany rules share a side, in any input order', () => {
    const fx = new FixedRateAdapter(DEMO_FX_RATES, { environment: 'test' });
    const base = { currency: 'USD', description: 'recharge', counterparty: '', state: 'unmatched' as const };
    const lines: Entry[] = [];
    for (let i = 0; i < 30; i++) {
      const amount = `${100 + (i % 7)}.00`;
      const date = `2026-03-0${1 + (i % 3)}`;
      lines.push(
        {
          ...base,
          id: 3 * i + 1,
          entity: 'US01',
          accountCode: '1950',
          source: 'gl',
          postingDate: date,
          amount,
          reference: `IC${i % 5}`,
        },
        {
          ...base,
          id: 3 * i + 2,
          entity: 'JP01',
          accountCode: '2950',
          source: 'gl',
          postingDate: date,
          amount: `-${amount}`,
          reference: `IC${i % 5}`,
        },
        {
          ...base,
          id: 3 * i + 3,
          entity: 'IN01',
          accountCode: '2950',
          source: 'gl',
          postingDate: date,
          amount: `-${amount}`,
          reference: `IC${i % 4}`,
        },
      );
    }
    const rules: IntercompanyRule[] = [
      { name: 'a', a: { entity: 'US01', accountCode: '1950' }, b: { entity: 'JP01', accountCode: '2950' } },
      { name: 'b', a: { entity: 'US01', accountCode: '1950' }, b: { entity: 'IN01', accountCode: '2950' } },
    ];
    const r = runMatcher(lines, fx, { intercompanyRules: rules });
    const used = r.proposals.flatMap((p) => p.entryIds);
    expect(new Set(used).size).toBe(used.length);
    expect(used.length + r.exceptions.length).toBe(lines.length);
    expect(r.stats.exact).toBeGreaterThan(0);
    expect(runMatcher([...lines].reverse(), fx, { intercompanyRules: rules })).toEqual(r);
  });
});

describe('USD conversion', () => {
  it('integer conversion gives the Decimal result (half-even, long rates, negatives)', () => {
    const rates = ['0.0065', '1.08', '0.012', '123.456789012345678901234567891', '0.5', '7'];
    const table = rates.map((rate, i) => ({
      base: ['JPY', 'EUR', 'INR', 'GBP', 'CHF', 'CAD'][i]!,
      quote: 'USD',
      rate,
      asOf: '2026-01-01',
    }));
    const usd = new UsdConverter(new FixedRateAdapter(table, { environment: 'test' }));
    const rnd = seeded(5);
    for (let k = 0; k < 5000; k++) {
      const row = table[Math.floor(rnd() * table.length)]!;
      const int = String(Math.floor(rnd() * 10 ** Math.floor(rnd() * 12)));
      const frac = String(Math.floor(rnd() * 1000)).slice(0, Math.floor(rnd() * 4));
      const amount = `${rnd() < 0.3 ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`;
      const expected = BigInt(
        new Decimal(amount).times(row.rate).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).times(100).toFixed(0),
      );
      expect(usd.usdCents(amount, row.base, '2026-03-01')).toBe(expected);
    }
  });
});
