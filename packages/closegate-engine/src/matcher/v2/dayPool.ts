import type { V2Line } from './line.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Integer minor units as a number when they fit below 2^53 (held exactly); NaN (no verdict)
 * otherwise. Only a filter reads it: the bigint tests still decide every line they see.
 */
export function exactNumber(v: bigint): number {
  return v <= SAFE && v >= -SAFE ? Number(v) : NaN;
}

/**
 * Candidate parts of one currency, by (day, id), with what the outward walk of a group search
 * reads kept in flat arrays beside the lines: day, id and signed amount. Why: on a large book
 * the few thousand leftover lines sit scattered over a heap of a million, and the walk read
 * each visited line (and its BigInt amount) only to find that most are too large to be a part.
 * Now a line is read only when its amount is smaller than the target's.
 */
export class DayPool {
  readonly days: Float64Array;
  readonly ids: Float64Array;
  /** The amount a part contributes (negated across entities), exactly, or NaN when beyond 2^53. */
  readonly values: Float64Array;

  constructor(
    readonly lines: readonly V2Line[],
    negate: boolean,
  ) {
    const n = lines.length;
    this.days = new Float64Array(n);
    this.ids = new Float64Array(n);
    this.values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const l = lines[i]!;
      this.days[i] = l.day;
      this.ids[i] = l.id;
      this.values[i] = exactNumber(negate ? -l.minor : l.minor);
    }
  }

  /**
   * False only for a line that cannot be a part of a target of `target` (its exactNumber):
   * zero, the other sign, or not smaller. NaN on either side: true (the full test decides).
   */
  mayBePart(i: number, target: number): boolean {
    const v = this.values[i]!;
    if (v === 0) return false;
    if (target > 0) return !(v < 0 || v >= target);
    if (target < 0) return !(v > 0 || v <= target);
    return true;
  }

  /**
   * Visits the indexes of the lines within `reach` days of `day`, nearest day first, by id
   * within one distance (the day before and the day after merged), until `visit` says stop.
   * Only the flat arrays are read; `visit` decides whether to read the line.
   */
  walk(day: number, reach: number, visit: (i: number) => boolean): void {
    const days = this.days;
    const ids = this.ids;
    const lo = firstAtOrAfter(days, day - reach);
    const hi = firstAtOrAfter(days, day + reach + 1);
    // right: [r, hi) holds the days >= day + gap still to visit; left: [lo, l) the days <= day - gap
    let r = firstAtOrAfter(days, day);
    let l = r;
    while (r < hi || l > lo) {
      const rightGap = r < hi ? days[r]! - day : Infinity;
      const leftGap = l > lo ? day - days[l - 1]! : Infinity;
      const gap = Math.min(rightGap, leftGap);
      let rEnd = r;
      if (rightGap === gap) while (rEnd < hi && days[rEnd] === day + gap) rEnd++;
      let lStart = l;
      if (leftGap === gap && gap > 0) while (lStart > lo && days[lStart - 1] === day - gap) lStart--;
      // merge the two days by id
      let i = lStart;
      let j = r;
      while (i < l || j < rEnd) {
        const takeLeft = j >= rEnd || (i < l && ids[i]! < ids[j]!);
        if (!visit(takeLeft ? i++ : j++)) return;
      }
      r = rEnd;
      l = lStart;
    }
  }
}

/** The first index of `days` (ascending) at or after `day`. */
export function firstAtOrAfter(days: Float64Array, day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
