import { absBig, type Line } from './prepare.js';

interface Indexed {
  line: Line;
  /** The compared value: minor units or USD cents, negated for intercompany offsets. */
  value: bigint;
}

/**
 * Candidate index: lines bucketed by (currency, amount / bucketWidth), each
 * bucket kept in (day, id) order. A lookup touches three buckets and a date
 * window inside each, so matching is near-linear, never all-pairs. Values
 * are computed once per line when indexed, not per lookup.
 */
export class AmountIndex {
  private readonly byCurrency = new Map<string, Map<bigint, Indexed[]>>();

  /**
   * @param negate index negated values (intercompany offsets)
   * @param inUsd index USD cents under 'USD' instead of the line's own minor units and currency
   */
  constructor(
    private readonly width: bigint,
    private readonly negate: boolean,
    private readonly inUsd: boolean,
  ) {}

  add(lines: Iterable<Line>): this {
    for (const line of lines) {
      const raw = this.inUsd ? line.usdCents : line.minor;
      const value = this.negate ? -raw : raw;
      const currency = this.inUsd ? 'USD' : line.currency;
      let buckets = this.byCurrency.get(currency);
      if (buckets === undefined) this.byCurrency.set(currency, (buckets = new Map()));
      const k = this.bucketOf(value);
      let b = buckets.get(k);
      if (b === undefined) buckets.set(k, (b = []));
      b.push({ line, value });
    }
    for (const buckets of this.byCurrency.values()) {
      for (const b of buckets.values()) b.sort((x, y) => x.line.day - y.line.day || x.line.id - y.line.id);
    }
    return this;
  }

  /** Untaken lines whose value is within `tolerance` of `value` and day within `window`. */
  near(
    currency: string,
    value: bigint,
    tolerance: bigint,
    day: number,
    window: number,
    limit: number,
  ): Line[] {
    const out: Line[] = [];
    const buckets = this.byCurrency.get(currency);
    if (buckets === undefined) return out;
    const center = this.bucketOf(value);
    for (let k = center - 1n; k <= center + 1n; k++) {
      const bucket = buckets.get(k);
      if (bucket === undefined) continue;
      for (let i = firstIndexedAtOrAfter(bucket, day - window); i < bucket.length; i++) {
        const { line, value: v } = bucket[i]!;
        if (line.day > day + window || out.length >= limit) break;
        if (!line.taken && absBig(v - value) <= tolerance) out.push(line);
      }
    }
    return out;
  }

  private bucketOf(v: bigint): bigint {
    // floor division for negatives too
    const q = v / this.width;
    return v < 0n && q * this.width !== v ? q - 1n : q;
  }
}

function firstIndexedAtOrAfter(sorted: readonly Indexed[], day: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.line.day < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lines of one currency in (day, id) order, for date-window scans. */
export class DayIndex {
  private readonly byCurrency = new Map<string, Line[]>();

  add(lines: Iterable<Line>): this {
    for (const l of lines) {
      let b = this.byCurrency.get(l.currency);
      if (b === undefined) this.byCurrency.set(l.currency, (b = []));
      b.push(l);
    }
    for (const b of this.byCurrency.values()) b.sort((x, y) => x.day - y.day || x.id - y.id);
    return this;
  }

  /**
   * Up to `limit` untaken lines of `currency` within `window` days of `day`,
   * nearest first (ties: earlier day, then id). Scans outward from `day`, so
   * the cost is bounded by `limit`, not by how dense the window is.
   */
  nearest(currency: string, day: number, window: number, limit: number): Line[] {
    const b = this.byCurrency.get(currency);
    if (b === undefined) return [];
    const out: Line[] = [];
    let hi = firstAtOrAfter(b, day);
    let lo = hi - 1;
    while (out.length < limit) {
      const up = hi < b.length && b[hi]!.day <= day + window ? b[hi]! : undefined;
      const down = lo >= 0 && b[lo]!.day >= day - window ? b[lo]! : undefined;
      if (up === undefined && down === undefined) break;
      const takeDown = down !== undefined && (up === undefined || day - down.day <= up.day - day);
      const l = takeDown ? down : up!;
      if (takeDown) lo--;
      else hi++;
      if (!l.taken) out.push(l);
    }
    return out;
  }

  /** Untaken lines of `currency` with day in [day - window, day + window], in (day, id) order. */
  window(currency: string, day: number, window: number, limit: number): Line[] {
    const b = this.byCurrency.get(currency);
    if (b === undefined) return [];
    const out: Line[] = [];
    for (let i = firstAtOrAfter(b, day - window); i < b.length && out.length < limit; i++) {
      const l = b[i]!;
      if (l.day > day + window) break;
      if (!l.taken) out.push(l);
    }
    return out;
  }
}

function firstAtOrAfter(sorted: readonly Line[], day: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.day < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
