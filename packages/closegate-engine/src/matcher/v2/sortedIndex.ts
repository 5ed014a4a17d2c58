import type { V2Line } from './line.js';

interface Slot {
  v: bigint;
  day: number;
  line: V2Line;
}

/**
 * Lines of one side sorted by (compared value, day, id), per currency key:
 * a candidate lookup is a binary search plus a scan of the lines whose value
 * is in range, so a rule costs O(n log n) over the open lines, never all pairs.
 */
export class SortedIndex {
  private readonly byKey = new Map<string, Slot[]>();

  /** `valueOf` returns undefined for a line that cannot be compared (no USD value). */
  constructor(
    lines: Iterable<V2Line>,
    keyOf: (l: V2Line) => string,
    valueOf: (l: V2Line) => bigint | undefined,
  ) {
    for (const line of lines) {
      if (line.taken || line.held || line.fxError !== undefined) continue;
      const v = valueOf(line);
      if (v === undefined) continue;
      const k = keyOf(line);
      let slots = this.byKey.get(k);
      if (slots === undefined) this.byKey.set(k, (slots = []));
      slots.push({ v, day: line.day, line });
    }
    for (const slots of this.byKey.values())
      slots.sort((a, b) => (a.v < b.v ? -1 : a.v > b.v ? 1 : a.day - b.day || a.line.id - b.line.id));
  }

  /**
   * Open lines with value in [lo, hi] and day in [dayLo, dayHi], at most
   * `limit` + 1 of them scanned past (the caller treats more than `limit` as
   * "too many to decide"), written into `out` (cleared first: the caller
   * reuses one array, no allocation per lookup). Returns false when the scan
   * limit was hit.
   */
  range(
    key: string,
    lo: bigint,
    hi: bigint,
    dayLo: number,
    dayHi: number,
    limit: number,
    out: V2Line[],
  ): boolean {
    out.length = 0;
    const slots = this.byKey.get(key);
    if (slots === undefined) return true;
    let i = lowerBound(slots, lo, lo === hi ? dayLo : -Infinity);
    // The scan below gives up at limit + 1 lines kept or limit * 8 + 1 passed over, whatever
    // their order: with more than limit * 9 lines in the value range one of the two must happen,
    // so the answer is known from two binary searches (a wide tolerance on a large side would
    // otherwise walk 145 slots per line only to give up).
    if (lo !== hi && upperBound(slots, hi) - i > limit * 9) return false;
    let scanned = 0;
    for (; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.v > hi) break;
      if (s.day < dayLo || s.day > dayHi || s.line.taken || s.line.held) {
        if (lo === hi && s.day > dayHi) break;
        if (++scanned > limit * 8) return false;
        continue;
      }
      out.push(s.line);
      if (out.length > limit) return false;
    }
    return true;
  }
}

function lowerBound(slots: readonly Slot[], v: bigint, day: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = slots[mid]!;
    if (s.v < v || (s.v === v && s.day < day)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first slot whose value is above `v`. */
function upperBound(slots: readonly Slot[], v: bigint): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slots[mid]!.v <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lines by exact compared value (bigint keys compare by value), per
 * currency, each list in (day, id) order: an equal-amount rule looks up one
 * list instead of searching a sorted array.
 */
export class EqualIndex {
  /** A value held by one line maps to the line itself (most do): no array per line. */
  private readonly byKey = new Map<string, Map<number | bigint, V2Line | V2Line[]>>();

  constructor(
    lines: Iterable<V2Line>,
    keyOf: (l: V2Line) => string,
    valueOf: (l: V2Line) => bigint | undefined,
  ) {
    for (const line of lines) {
      if (line.taken || line.held || line.fxError !== undefined) continue;
      const v = valueOf(line);
      if (v === undefined) continue;
      const k = keyOf(line);
      let values = this.byKey.get(k);
      if (values === undefined) this.byKey.set(k, (values = new Map()));
      const vk = keyOfValue(v);
      const held = values.get(vk);
      if (held === undefined) values.set(vk, line);
      else if (Array.isArray(held)) held.push(line);
      else values.set(vk, [held, line]);
    }
    // lines arrive in id order; a stable sort by day keeps (day, id)
    for (const values of this.byKey.values())
      for (const held of values.values()) if (Array.isArray(held)) held.sort((a, b) => a.day - b.day);
  }

  /** Same contract as SortedIndex.range with lo === hi. */
  range(
    key: string,
    lo: bigint,
    _hi: bigint,
    dayLo: number,
    dayHi: number,
    limit: number,
    out: V2Line[],
  ): boolean {
    out.length = 0;
    const held = this.byKey.get(key)?.get(keyOfValue(lo));
    if (held === undefined) return true;
    if (!Array.isArray(held)) {
      if (held.day >= dayLo && held.day <= dayHi && !held.taken && !held.held) out.push(held);
      return true;
    }
    const list = held;
    for (const l of list) {
      if (l.day < dayLo) continue;
      if (l.day > dayHi) break;
      if (l.taken || l.held) continue;
      out.push(l);
      if (out.length > limit) return false;
    }
    return true;
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A number key when exact (hashing a number is far cheaper than a bigint), else the bigint. */
function keyOfValue(v: bigint): number | bigint {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}
