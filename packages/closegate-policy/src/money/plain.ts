/**
 * Absolute values of plain decimal strings ("-1234.50"), compared as text.
 * The gate sizes every match this way; parsing each amount into a Decimal
 * was a third of a gate decision. Anything that is not a plain decimal
 * string gets `undefined`, and the caller falls back to Decimal.
 */

const PLAIN = /^-?(\d+)(?:\.(\d+))?$/;

/**
 * |value| written as Decimal's `abs().toFixed()` writes it: no sign, no
 * leading zeros before the units digit, no trailing fraction zeros
 * ("-0012.340" -> "12.34", "-0.00" -> "0"). Undefined when `value` is not a
 * plain decimal string.
 */
export function absPlain(value: string): string | undefined {
  const m = PLAIN.exec(value);
  if (m === null) return undefined;
  let int = m[1]!;
  let start = 0;
  while (start < int.length - 1 && int.charCodeAt(start) === 48) start++;
  if (start > 0) int = int.slice(start);
  let frac = m[2] ?? '';
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  if (end < frac.length) frac = frac.slice(0, end);
  return frac === '' ? int : `${int}.${frac}`;
}

/** Orders two results of {@link absPlain}: negative, zero or positive. */
export function comparePlainAbs(a: string, b: string): number {
  const aDot = a.indexOf('.');
  const bDot = b.indexOf('.');
  const aInt = aDot < 0 ? a.length : aDot;
  const bInt = bDot < 0 ? b.length : bDot;
  // no leading zeros: a longer integer part is a larger number
  if (aInt !== bInt) return aInt - bInt;
  // same integer length, no trailing fraction zeros: digit order is numeric order
  return a === b ? 0 : a < b ? -1 : 1;
}
