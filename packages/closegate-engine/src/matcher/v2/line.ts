import { minorUnitsOf } from 'closegate-policy';
import type { Entry } from '../../domain.js';
import { dayNumber, toMinorUnits, type UsdConverter } from '../prepare.js';
import { BOILERPLATE, digitsOf, fold, nameTokens, stripBoilerplate, tokens } from './normalize.js';
import type { Calendar } from './calendar.js';

/**
 * A line as matcher v2 sees it. Amounts are integer minor units (bigint);
 * `value` is the compared amount: the line's own, or negated on the b side
 * of an intercompany pair (so offsets compare equal). Text features are
 * built on first use: most lines match on an equal reference and never need
 * their narrative tokenized.
 */
export interface V2Line {
  entry: Entry;
  id: number;
  currency: string;
  minor: bigint;
  /** USD cents, undefined when the line's FX rate is missing or stale. */
  usd: bigint | undefined;
  /** Code of the FX error that left `usd` undefined. */
  fxError: string | undefined;
  day: number;
  /** Business-day index (see Calendar). */
  bday: number;
  ref: string;
  /** numberOf(ref), built on first use: undefined until then, null when the reference has none. */
  refNumber: string | null | undefined;
  /** `taken` once in a proposal; `held` once judged ambiguous (a suggestion for a human). */
  taken: boolean;
  held: Held | undefined;
  text: TextFeatures | undefined;
  /**
   * Scratch of one one-to-one pass (valid while `stamp` is that pass's): the
   * left line that wants this line, or all of them (in the order they came)
   * once a second one does. Two fields rather than four: every line carries
   * them, a million lines per side.
   */
  stamp: number;
  want: V2Line | V2Line[] | undefined;
}

/** Why a line was held: the first rule that judged it ambiguous, and every competing line (ids, ascending). */
export interface Held {
  rule: string;
  with: number[];
}

export interface TextFeatures {
  /** Narrative tokens (reference, description, counterparty), as written. */
  all: string[];
  /** Counterparty field's name tokens (empty when absent). */
  party: readonly string[];
  /** Invoice numbers found by the configured patterns: digits, leading zeros dropped. */
  invoices: readonly string[];
  /** Every digit run of `all`, leading zeros dropped: built on first use (see tests.contained). */
  numbers?: readonly string[];
  /** Keys the line offers and asks for (see keys.ts): built on first use, reused by every key index. */
  offers?: readonly string[];
  asks?: readonly string[];
}

/**
 * Prepares every entry; a missing or stale FX rate is recorded on the line, never thrown.
 * `boilerplate`: the books' extra words stripped from references, as the built-in ones are.
 */
export function prepareLines(
  entries: readonly Entry[],
  usd: UsdConverter,
  cal: Calendar,
  boilerplate: ReadonlySet<string> = NO_EXTRA,
): V2Line[] {
  const digits = new Map<string, number>();
  const days = new Map<string, number>();
  const out: V2Line[] = new Array<V2Line>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    let d = digits.get(e.currency);
    if (d === undefined) digits.set(e.currency, (d = minorUnitsOf(e.currency)));
    const minor = minorOf(e.amount, d);
    let cents: bigint | undefined;
    let fxError: string | undefined;
    if (e.currency === 'USD') cents = minor;
    else {
      try {
        cents = usd.usdCents(e.amount, e.currency, e.postingDate);
      } catch (err) {
        fxError = fxErrorCode(err);
        if (fxError === undefined) throw err;
      }
    }
    let day = days.get(e.postingDate);
    if (day === undefined) days.set(e.postingDate, (day = dayNumber(e.postingDate)));
    out[i] = {
      entry: e,
      id: e.id,
      currency: e.currency,
      minor,
      usd: cents,
      fxError,
      day,
      bday: cal.businessIndex(day),
      ref: refOf(e.reference, boilerplate),
      refNumber: undefined,
      taken: false,
      held: undefined,
      text: undefined,
      stamp: 0,
      want: undefined,
    };
  }
  return out;
}

/**
 * Integer minor units of a plain decimal string ("-123.4" at 2 digits ->
 * -12340n), read digit by digit when the result fits a safe integer: no
 * regex match, substrings or padding per line. Anything else (more fraction
 * digits than the currency has, long amounts, odd input) goes to
 * toMinorUnits, which rounds and validates.
 */
export function minorOf(value: string, digits: number): bigint {
  const len = value.length;
  if (len === 0 || len > 15) return toMinorUnits(value, digits);
  let i = value.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  let n = 0;
  for (; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  if (i === start) return toMinorUnits(value, digits);
  let frac = 0;
  if (i < len) {
    if (value.charCodeAt(i) !== 46) return toMinorUnits(value, digits);
    const fracStart = ++i;
    for (; i < len; i++) {
      const c = value.charCodeAt(i);
      if (c < 48 || c > 57) return toMinorUnits(value, digits);
      n = n * 10 + (c - 48);
    }
    frac = len - fracStart;
    if (frac === 0 || frac > digits) return toMinorUnits(value, digits);
  }
  for (; frac < digits; frac++) n *= 10;
  if (!Number.isSafeInteger(n)) return toMinorUnits(value, digits);
  return BigInt(start === 1 ? -n : n);
}

/** FX adapter errors that mean "no usable rate for this line" (missing, stale, unusable). */
export function fxErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return code.startsWith('FX_RATE_') ? code : undefined;
}

const ASCII_REF = /^[A-Za-z0-9]*$/;

/**
 * The compact reference: folded, boilerplate words (built-in and `extra`, the
 * books' own) dropped ("NEFT/SBIN0001" -> "sbin0001").
 */
export function refOf(reference: string, extra: ReadonlySet<string> = NO_EXTRA): string {
  if (ASCII_REF.test(reference)) {
    const low = reference.toLowerCase();
    return BOILERPLATE.has(low) || extra.has(low) ? '' : low;
  }
  return stripBoilerplate(tokens(fold(reference)), extra).join('');
}

const NO_EXTRA: ReadonlySet<string> = new Set();

/** Text features, built once per line on first use. */
export function textOf(l: V2Line, ctx: TextContext): TextFeatures {
  if (l.text !== undefined) return l.text;
  const e = l.entry;
  const folded = fold(`${e.reference} ${e.description} ${e.counterparty}`);
  const all = tokens(folded);
  const invoices: string[] = [];
  for (const re of ctx.invoicePatterns) {
    re.lastIndex = 0;
    for (let m = re.exec(folded); m !== null; m = re.exec(folded)) {
      const n = digitsOf(m[1] ?? m[0]).replace(/^0+/, '');
      if (n.length >= 3 && !invoices.includes(n)) invoices.push(n);
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  // most lines name no party and no invoice: they share one empty list rather than two each
  l.text = {
    all,
    party: e.counterparty === '' ? NONE : nameTokens(e.counterparty, ctx.boilerplate),
    invoices: invoices.length === 0 ? NONE : invoices,
  };
  return l.text;
}

const NONE: readonly string[] = Object.freeze([]);

export interface TextContext {
  invoicePatterns: RegExp[];
  /** The books' extra boilerplate words, folded: stripped from references and counterparty names. */
  boilerplate: ReadonlySet<string>;
}
