/**
 * Bounded subset-sum: subsets of 2..maxSize of `values` (all of one sign,
 * the target's) whose sum is within `tolerance` of `target`. Stops after
 * finding two solutions (the caller only needs "none, exactly one, or
 * several") or after `budget` search steps (then the answer is "unknown").
 * Values are searched largest first with suffix sums, so a branch that can
 * no longer reach the target is cut early.
 */
export type SubsetAnswer =
  | { kind: 'none' }
  | { kind: 'one'; indexes: number[] }
  | { kind: 'several'; indexes: number[][] }
  | { kind: 'unknown' };

export function subsetsSumming(
  values: readonly bigint[],
  target: bigint,
  tolerance: bigint,
  maxSize: number,
  budget = 50_000,
): SubsetAnswer {
  const negative = target < 0n;
  const abs = values.map((v) => (negative ? -v : v));
  const t = negative ? -target : target;
  if (abs.some((v) => v <= 0n) || t <= 0n) return { kind: 'none' };
  const order = abs.map((_, i) => i).sort((a, b) => (abs[b]! > abs[a]! ? 1 : abs[b]! < abs[a]! ? -1 : a - b));
  let total = t + tolerance;
  for (const v of abs) total += v;
  // every sum the search forms is an integer (minor units) of at most this size: below 2^53 a JS
  // number holds it exactly, so integer arithmetic on numbers gives the bigint answer, with no
  // BigInt allocated per step (no fractions ever enter: this is not floating-point money)
  if (total <= BigInt(Number.MAX_SAFE_INTEGER)) {
    const sorted = order.map((i) => Number(abs[i]!));
    return searchSubsets(sorted, order, Number(t), Number(tolerance), maxSize, budget, 0);
  }
  return searchSubsets(
    order.map((i) => abs[i]!),
    order,
    t,
    tolerance,
    maxSize,
    budget,
    0n,
  );
}

/** The search itself, on bigints or (when every sum is a safe integer) on numbers: the same steps. */
function searchSubsets<N extends bigint | number>(
  sorted: readonly N[],
  order: readonly number[],
  t: N,
  tolerance: N,
  maxSize: number,
  budget: number,
  zero: N,
): SubsetAnswer {
  type Num = number; // the arithmetic below is the same for both kinds; typed as number for the compiler
  const add = (a: N, b: N): N => ((a as Num) + (b as Num)) as N;
  const lo = ((t as Num) - (tolerance as Num)) as N;
  const hi = add(t, tolerance);
  const n = sorted.length;
  const suffix: N[] = new Array<N>(n + 1).fill(zero);
  for (let i = n - 1; i >= 0; i--) suffix[i] = add(suffix[i + 1]!, sorted[i]!);
  const found: number[][] = [];
  const chosen: number[] = [];
  let steps = 0;
  let exhausted = false;
  const search = (start: number, sum: N): void => {
    if (found.length >= 2 || exhausted) return;
    if (++steps > budget) {
      exhausted = true;
      return;
    }
    if (chosen.length >= 2 && sum >= lo && sum <= hi) {
      found.push(chosen.map((k) => order[k]!).sort((a, b) => a - b));
      // a superset would only add positive values: keep looking for other subsets, not supersets
    }
    if (chosen.length === maxSize) return;
    for (let i = start; i < n; i++) {
      // even every remaining value (largest first) cannot reach the target: no later start can either
      if (add(sum, suffix[i]!) < lo) return;
      const next = add(sum, sorted[i]!);
      if (next > hi) continue;
      chosen.push(i);
      search(i + 1, next);
      chosen.pop();
      if (found.length >= 2 || exhausted) return;
    }
  };
  search(0, zero);
  if (found.length >= 2) return { kind: 'several', indexes: found };
  if (exhausted) return { kind: 'unknown' };
  if (found.length === 1) return { kind: 'one', indexes: found[0]! };
  return { kind: 'none' };
}
