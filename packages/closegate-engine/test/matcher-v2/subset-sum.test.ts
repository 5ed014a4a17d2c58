import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subsetsSumming, type SubsetAnswer } from '../../src/matcher/v2/subset.js';

/** The search as first written, on bigints throughout: subsetsSumming must answer exactly as it does. */
function asFirstWritten(
  values: readonly bigint[],
  target: bigint,
  tolerance: bigint,
  maxSize: number,
  budget: number,
): SubsetAnswer {
  const negative = target < 0n;
  const abs = values.map((v) => (negative ? -v : v));
  const t = negative ? -target : target;
  if (abs.some((v) => v <= 0n) || t <= 0n) return { kind: 'none' };
  const order = abs.map((_, i) => i).sort((a, b) => (abs[b]! > abs[a]! ? 1 : abs[b]! < abs[a]! ? -1 : a - b));
  const sorted = order.map((i) => abs[i]!);
  const n = sorted.length;
  const suffix: bigint[] = new Array<bigint>(n + 1).fill(0n);
  for (let i = n - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + sorted[i]!;
  const found: number[][] = [];
  const chosen: number[] = [];
  let steps = 0;
  let exhausted = false;
  const search = (start: number, sum: bigint): void => {
    if (found.length >= 2 || exhausted) return;
    if (++steps > budget) {
      exhausted = true;
      return;
    }
    if (chosen.length >= 2 && sum >= t - tolerance && sum <= t + tolerance)
      found.push(chosen.map((k) => order[k]!).sort((a, b) => a - b));
    if (chosen.length === maxSize) return;
    for (let i = start; i < n; i++) {
      if (sum + suffix[i]! < t - tolerance) return;
      const next = sum + sorted[i]!;
      if (next > t + tolerance) continue;
      chosen.push(i);
      search(i + 1, next);
      chosen.pop();
      if (found.length >= 2 || exhausted) return;
    }
  };
  search(0, 0n);
  if (found.length >= 2) return { kind: 'several', indexes: found };
  if (exhausted) return { kind: 'unknown' };
  if (found.length === 1) return { kind: 'one', indexes: found[0]! };
  return { kind: 'none' };
}

describe('subsetsSumming', () => {
  it('answers as the all-bigint search did, for amounts that fit a double exactly and for those that do not', () => {
    // small amounts collide often (several, ties in the order); huge ones take the bigint path
    const scale = fc.constantFrom(1n, 1n, 10n ** 14n, 2n ** 60n);
    fc.assert(
      fc.property(
        scale,
        fc.array(fc.integer({ min: -3, max: 40 }), { minLength: 0, maxLength: 14 }),
        fc.integer({ min: -120, max: 120 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 2, max: 8 }),
        fc.constantFrom(30, 50_000),
        (k, vs, target, tol, maxSize, budget) => {
          const values = vs.map((v) => BigInt(v) * k * (target < 0 ? -1n : 1n));
          const args = [values, BigInt(target) * k, BigInt(tol) * k, maxSize, budget] as const;
          expect(subsetsSumming(...args)).toEqual(asFirstWritten(...args));
        },
      ),
      { numRuns: 3000, seed: 20261206 },
    );
  });
});
