import type { Columns } from './columns.js';
import type { ProposalSink } from './proposal.js';
import { normalizeReference } from './text.js';

/**
 * Exact pass: same currency, same amount (negated for intercompany offsets),
 * same posting day and the same non-empty normalised reference. One hash
 * lookup per line. Works on column positions: the lines it matches never
 * become `Line` objects.
 *
 * An exact match never crosses days, so when both sides are in day order (as
 * runMatcher's books are) they are walked day by day and the hash table holds
 * one day of the other side at a time: small and short-lived. Left lines are
 * still visited in their order and each takes the first open right line with
 * its key in the right side's order, so the result is the same as one table
 * over everything (which is what unordered input gets).
 */
export function exactPass(
  cols: Columns,
  left: readonly number[],
  right: readonly number[],
  sink: ProposalSink,
  negate: boolean,
): void {
  const why = `${negate ? 'intercompany offset: equal and opposite amount' : 'same amount'}, currency, posting date and reference`;
  const leftDays = daysOf(cols, left);
  const rightDays = daysOf(cols, right);
  if (!ascending(leftDays) || !ascending(rightDays)) {
    matchRange(cols, left, 0, left.length, right, 0, right.length, sink, why, negate);
    return;
  }
  let r = 0;
  let l = 0;
  while (l < left.length) {
    const day = leftDays[l]!;
    let lEnd = l;
    while (lEnd < left.length && leftDays[lEnd] === day) lEnd++;
    while (r < right.length && rightDays[r]! < day) r++;
    let rEnd = r;
    while (rEnd < right.length && rightDays[rEnd] === day) rEnd++;
    if (rEnd > r) matchRange(cols, left, l, lEnd, right, r, rEnd, sink, why, negate);
    l = lEnd;
    r = rEnd;
  }
}

/** The positions' days in walking order, read once (the walk then reads memory in sequence). */
function daysOf(cols: Columns, positions: readonly number[]): Float64Array {
  const days = new Float64Array(positions.length);
  for (let i = 0; i < positions.length; i++) days[i] = cols.day[positions[i]!]!;
  return days;
}

/** Days ascending and all readable (NaN days cannot be grouped by comparison). */
function ascending(days: Float64Array): boolean {
  let prev = -Infinity;
  for (const d of days) {
    if (!(d >= prev)) return false;
    prev = d;
  }
  return true;
}

function matchRange(
  cols: Columns,
  left: readonly number[],
  lFrom: number,
  lTo: number,
  right: readonly number[],
  rFrom: number,
  rTo: number,
  sink: ProposalSink,
  why: string,
  negate: boolean,
): void {
  const byKey = new Map<string, number | number[]>();
  for (let i = rFrom; i < rTo; i++) {
    const p = right[i]!;
    const e = cols.entries[p]!;
    if (cols.isTaken(p)) continue;
    const ref = normalizeReference(e.reference);
    if (ref === '') continue;
    const k = key(e.currency, negate ? -cols.minor[p]! : cols.minor[p]!, cols.day[p]!, ref);
    const seen = byKey.get(k);
    if (seen === undefined) byKey.set(k, p);
    else if (typeof seen === 'number') byKey.set(k, [seen, p]);
    else seen.push(p);
  }
  if (byKey.size === 0) return;
  for (let i = lFrom; i < lTo; i++) {
    const p = left[i]!;
    const e = cols.entries[p]!;
    if (cols.isTaken(p)) continue;
    const ref = normalizeReference(e.reference);
    if (ref === '') continue;
    const seen = byKey.get(key(e.currency, cols.minor[p]!, cols.day[p]!, ref));
    if (seen === undefined) continue;
    const hit =
      typeof seen === 'number' ? (cols.isTaken(seen) ? undefined : seen) : seen.find((x) => !cols.isTaken(x));
    if (hit === undefined) continue;
    cols.taken[p] = 1;
    cols.taken[hit] = 1;
    sink.emitPair(e, cols.usdCents[p]!, cols.entries[hit]!, why, negate);
  }
}

function key(currency: string, minor: bigint, day: number, ref: string): string {
  return `${currency}|${minor}|${day}|${ref}`;
}
