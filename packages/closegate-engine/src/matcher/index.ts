import { absBig, type Line } from './prepare.js';

/**
 * Candidate index: lines bucketed by (currency, amount / bucketWidth), each
 * bucket kept in (day, id) order. A lookup touches three buckets and a date
 * window inside each, so matching is near-linear, never all-pairs.
 */
export class AmountIndex {
  private readonly buckets = new Map<string, Line[]>();

  constructor(
    private readonly width: bigint,
    private readonly valueOf: (l: Line) => bigint,
    private readonly currencyOf: (l: Line) => string,
  ) {}

  add(lines: Iterable<Line>): this {
    for (const l of lines) {
      const key = this.key(this.currencyOf(l), this.bucketOf(this.valueOf(l)));
      let b = this.buckets.get(key);
      if (b === undefined) this.buckets.set(key, (b = []));
      b.push(l);
    }
    for (const b of this.buckets.values()) b.sort((x, y) => x.day - y.day || x.id - y.id);
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
    const center = this.bucketOf(value);
    for (let k = center - 1n; k <= center + 1n; k++) {
      const bucket = this.buckets.get(this.key(currency, k));
      if (bucket === undefined) continue;
      for (let i = firstAtOrAfter(bucket, day - window); i < bucket.length; i++) {
        const l = bucket[i]!;
        if (l.day > day + window || out.length >= limit) break;
        if (!l.taken && absBig(this.valueOf(l) - value) <= tolerance) out.push(l);
      }
    }
    return out;
  }

  private bucketOf(v: bigint): bigint {
    // floor division for negatives too
    const q = v / this.width;
    return v < 0n && q * this.width !== v ? q - 1n : q;
  }

  private key(currency: string, bucket: bigint): string {
    return `${currency}|${bucket}`;
  }
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
