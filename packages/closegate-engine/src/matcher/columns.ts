import { minorUnitsOf } from 'closegate-policy';
import type { Entry } from '../domain.js';
import { dayNumber, toMinorUnits, type Line, type UsdConverter } from './prepare.js';
import { normalizeReference } from './text.js';

/**
 * Every line of a run, parsed once, in columns indexed by position (lines in
 * id order). Most lines of a large book match exactly, so the exact pass
 * works on these columns and `Line` objects are built only for the lines it
 * leaves open: far fewer long-lived objects for the garbage collector.
 * Parsing every line up front keeps the errors (bad amount, unknown currency,
 * missing FX rate) the same as when every line was prepared eagerly.
 */
export class Columns {
  readonly entries: Entry[];
  readonly minor: bigint[];
  /** USD cents; for USD lines the same value as `minor`. */
  readonly usdCents: bigint[];
  /** Days since 1970-01-01 (NaN for an unreadable date, as `dayNumber` gives). */
  readonly day: Float64Array;
  readonly isGl: Uint8Array;
  /** Set by the exact pass; `Line.taken` takes over once a line is built (see `isTaken`). */
  readonly taken: Uint8Array;
  /** The one `Line` of each position built so far, so every pass sees the same `taken` flag. */
  private readonly lines = new Map<number, Line>();

  constructor(entries: readonly Entry[], usd: UsdConverter) {
    this.entries = [...entries].sort((a, b) => a.id - b.id);
    const n = this.entries.length;
    this.minor = new Array<bigint>(n);
    this.usdCents = new Array<bigint>(n);
    this.day = new Float64Array(n);
    this.isGl = new Uint8Array(n);
    this.taken = new Uint8Array(n);
    const digits = new Map<string, number>();
    const days = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const e = this.entries[i]!;
      let d = digits.get(e.currency);
      if (d === undefined) digits.set(e.currency, (d = minorUnitsOf(e.currency)));
      const minor = toMinorUnits(e.amount, d);
      this.minor[i] = minor;
      // A USD amount in cents is its minor units (same parse, same rounding): share the value.
      this.usdCents[i] = e.currency === 'USD' ? minor : usd.usdCents(e.amount, e.currency, e.postingDate);
      let day = days.get(e.postingDate);
      if (day === undefined) days.set(e.postingDate, (day = dayNumber(e.postingDate)));
      this.day[i] = day;
      this.isGl[i] = e.source === 'gl' ? 1 : 0;
    }
  }

  get length(): number {
    return this.entries.length;
  }

  isTaken(p: number): boolean {
    if (this.taken[p] === 1) return true;
    return this.lines.size > 0 && this.lines.get(p)?.taken === true;
  }

  /** Lines for the positions the exact pass left open, in the given order. */
  openLines(positions: readonly number[]): Line[] {
    const out: Line[] = [];
    for (const p of positions) if (this.taken[p] === 0) out.push(this.line(p));
    return out;
  }

  private line(p: number): Line {
    const built = this.lines.get(p);
    if (built !== undefined) return built;
    const entry = this.entries[p]!;
    const line: Line = {
      entry,
      id: entry.id,
      isGl: this.isGl[p] === 1,
      currency: entry.currency,
      minor: this.minor[p]!,
      usdCents: this.usdCents[p]!,
      day: this.day[p]!,
      ref: normalizeReference(entry.reference),
      words: undefined,
      taken: false,
    };
    this.lines.set(p, line);
    return line;
  }

  /** Positions in (day, id) order, the order every pass walks a book in. */
  sortByDayThenId(positions: number[]): number[] {
    const { day, entries } = this;
    return positions.sort((a, b) => day[a]! - day[b]! || entries[a]!.id - entries[b]!.id);
  }
}
