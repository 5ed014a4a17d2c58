import { Decimal, checkedRate, type FxRateAdapter } from 'closegate-policy';
import type { Entry, FxRecord } from '../domain.js';
import { distinctWords, normalizeText } from './text.js';

/**
 * A line ready for matching: integer minor units (bigint, never a float),
 * its USD value in cents, a day number and normalised reference. `taken` is
 * the only field that changes once set: true once the line joins a proposal.
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
  /**
   * Distinct words of description and counterparty, built on first use by
   * `wordsOf`: most lines match exactly and never need them.
   */
  words: string[] | undefined;
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

/** A plain decimal string as integer units / 10^scale. */
interface Scaled {
  negative: boolean;
  units: bigint;
  scale: number;
  /** Significant digits of `units`. */
  digits: number;
}

/** Decimal's precision (closegate-policy money/decimal.ts): products up to this many digits are exact there. */
const DECIMAL_PRECISION = 34;

function scaledOf(value: string): Scaled | null {
  const m = PLAIN.exec(value);
  if (m === null) return null;
  const frac = m[3] ?? '';
  const units = BigInt(m[2]! + frac);
  return { negative: m[1] === '-', units, scale: frac.length, digits: units.toString().length };
}

/**
 * amount x rate in USD cents, rounded half-even, in integer arithmetic: the
 * same value as the Decimal computation whenever the exact product fits in
 * Decimal's precision (Decimal then multiplies exactly too); undefined when it
 * might not, so the caller falls back to Decimal.
 */
function exactUsdCents(amount: string, rate: Scaled | null): bigint | undefined {
  if (rate === null) return undefined;
  const a = scaledOf(amount);
  if (a === null || a.digits + rate.digits > DECIMAL_PRECISION) return undefined;
  const product = a.units * rate.units;
  const scale = a.scale + rate.scale;
  let cents: bigint;
  if (scale <= 2) {
    cents = product * 10n ** BigInt(2 - scale);
  } else {
    const divisor = 10n ** BigInt(scale - 2);
    cents = product / divisor;
    const twiceRest = 2n * (product % divisor);
    if (twiceRest > divisor || (twiceRest === divisor && cents % 2n === 1n)) cents += 1n;
  }
  return a.negative !== rate.negative ? -cents : cents;
}

/** Converts lines to USD through the adapter, caching one rate per currency and date. */
export class UsdConverter {
  private readonly cache = new Map<string, FxRecord>();
  private readonly rates = new Map<string, Decimal>();
  private readonly scaled = new Map<string, Scaled | null>();
  constructor(private readonly fx: FxRateAdapter) {}

  /** The rate record used for `currency` on `date` (null for USD). */
  rateFor(currency: string, date: string): FxRecord | null {
    if (currency === 'USD') return null;
    const key = `${currency}|${date}`;
    let r = this.cache.get(key);
    if (r === undefined) {
      r = checkedRate(currency, 'USD', date, this.fx);
      this.cache.set(key, r);
    }
    return r;
  }

  /** USD value of an amount in cents, rounded half-even. */
  usdCents(amount: string, currency: string, date: string): bigint {
    if (currency === 'USD') return toMinorUnits(amount, 2);
    const exact = exactUsdCents(amount, this.scaledRate(currency, date));
    if (exact !== undefined) return exact;
    const usd = new Decimal(amount)
      .times(this.rateDecimal(currency, date))
      .toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN);
    return BigInt(usd.times(100).toFixed(0));
  }

  /** The rate as a scaled integer, once per currency and date (null if not a plain decimal). */
  private scaledRate(currency: string, date: string): Scaled | null {
    const key = `${currency}|${date}`;
    let r = this.scaled.get(key);
    if (r === undefined) {
      r = scaledOf(this.rateFor(currency, date)!.rate);
      this.scaled.set(key, r);
    }
    return r;
  }

  /** The rate as a Decimal, parsed once per currency and date rather than once per line. */
  private rateDecimal(currency: string, date: string): Decimal {
    const key = `${currency}|${date}`;
    let d = this.rates.get(key);
    if (d === undefined) {
      d = new Decimal(this.rateFor(currency, date)!.rate);
      this.rates.set(key, d);
    }
    return d;
  }
}

/** The line's distinct description/counterparty words, normalised once and kept. */
export function wordsOf(l: Line): string[] {
  if (l.words === undefined) {
    l.words = distinctWords(normalizeText(`${l.entry.description} ${l.entry.counterparty}`));
  }
  return l.words;
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
