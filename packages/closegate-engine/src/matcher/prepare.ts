import { Decimal, Money, convert, minorUnitsOf, type FxRateAdapter } from 'closegate-policy';
import type { Entry, FxRecord } from '../domain.js';
import { normalizeReference, normalizeText } from './text.js';

/**
 * A line ready for matching: integer minor units (bigint, never a float),
 * its USD value in cents, a day number and normalised text. `taken` is the
 * only mutable field: set once the line joins a proposal.
 */
export interface Line {
  entry: Entry;
  id: number;
  isGl: boolean;
  currency: string;
  minor: bigint;
  usdCents: bigint;
  day: number;
  ref: string;
  text: string;
  taken: boolean;
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a YYYY-MM-DD date. */
export function dayNumber(isoDate: string): number {
  const y = Number(isoDate.slice(0, 4));
  const m = Number(isoDate.slice(5, 7));
  const d = Number(isoDate.slice(8, 10));
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Exact integer minor units of a decimal string; extra digits are rounded half-even. */
export function toMinorUnits(value: string, digits: number): bigint {
  const m = PLAIN.exec(value);
  if (m === null) throw new RangeError(`not a decimal string: ${value}`);
  const frac = m[3] ?? '';
  if (frac.length <= digits) {
    const scaled = BigInt(m[2]! + frac.padEnd(digits, '0'));
    return m[1] === '-' ? -scaled : scaled;
  }
  const rounded = new Decimal(value).toDecimalPlaces(digits, Decimal.ROUND_HALF_EVEN);
  return BigInt(rounded.times(new Decimal(10).pow(digits)).toFixed(0));
}

/** Converts lines to USD through the adapter, caching one rate per currency and date. */
export class UsdConverter {
  private readonly cache = new Map<string, FxRecord>();
  constructor(private readonly fx: FxRateAdapter) {}

  /** The rate record used for `currency` on `date` (null for USD). */
  rateFor(currency: string, date: string): FxRecord | null {
    if (currency === 'USD') return null;
    const key = `${currency}|${date}`;
    let r = this.cache.get(key);
    if (r === undefined) {
      const conv = convert(Money.of('1', currency), 'USD', date, this.fx);
      r = { ...conv.rate };
      this.cache.set(key, r);
    }
    return r;
  }

  /** USD value of an amount in cents, rounded half-even. */
  usdCents(amount: string, currency: string, date: string): bigint {
    if (currency === 'USD') return toMinorUnits(amount, 2);
    const rate = this.rateFor(currency, date)!;
    const usd = new Decimal(amount).times(rate.rate).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
    return BigInt(usd.times(100).toFixed(0));
  }
}

export function prepareLine(entry: Entry, usd: UsdConverter): Line {
  return {
    entry,
    id: entry.id,
    isGl: entry.source === 'gl',
    currency: entry.currency,
    minor: toMinorUnits(entry.amount, minorUnitsOf(entry.currency)),
    usdCents: usd.usdCents(entry.amount, entry.currency, entry.postingDate),
    day: dayNumber(entry.postingDate),
    ref: normalizeReference(entry.reference),
    text: normalizeText(`${entry.description} ${entry.counterparty}`),
    taken: false,
  };
}

/** Cents (bigint) as a decimal string "1234.50". */
export function centsToString(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const s = abs.toString().padStart(3, '0');
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

export function absBig(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Deterministic line order: posting day, then id. */
export function byDayThenId(a: Line, b: Line): number {
  return a.day - b.day || a.id - b.id;
}
