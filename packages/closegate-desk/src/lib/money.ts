/**
 * Money in the browser: amounts arrive from /api as decimal strings and stay
 * strings. Arithmetic (the running difference of a manual match) is exact
 * fixed-point on BigInt, so no amount ever passes through a JS float.
 */

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Minor units per ISO 4217 code, for display only (the server rounds). */
const MINOR_UNITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  CLP: 0,
  ISK: 0,
  BHD: 3,
  KWD: 3,
  OMR: 3,
  TND: 3,
};

export class MoneyFormatError extends Error {
  readonly code = 'DESK_BAD_DECIMAL';
  constructor(value: string) {
    super(`not a decimal amount: ${JSON.stringify(value)}`);
  }
}

interface Fixed {
  units: bigint;
  scale: number;
}

function parse(value: string): Fixed {
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new MoneyFormatError(value);
  const frac = m[3] ?? '';
  const units = BigInt(m[2] + frac);
  return { units: m[1] === '-' ? -units : units, scale: frac.length };
}

function rescale(f: Fixed, scale: number): bigint {
  return f.units * 10n ** BigInt(scale - f.scale);
}

function render(units: bigint, scale: number): string {
  const neg = units < 0n;
  const digits = (neg ? -units : units).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = scale > 0 ? '.' + digits.slice(digits.length - scale) : '';
  return (neg ? '-' : '') + int + frac;
}

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}

/** Exact sum of decimal strings; the result keeps the largest scale seen. */
export function sumDecimals(values: readonly string[]): string {
  const parsed = values.map(parse);
  const scale = parsed.reduce((s, f) => Math.max(s, f.scale), 0);
  const total = parsed.reduce((acc, f) => acc + rescale(f, scale), 0n);
  return render(total, scale);
}

/** a - b, exactly. */
export function subtractDecimals(a: string, b: string): string {
  return sumDecimals([a, negate(b)]);
}

export function negate(value: string): string {
  const f = parse(value);
  return render(-f.units, f.scale);
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const fa = parse(a);
  const fb = parse(b);
  const scale = Math.max(fa.scale, fb.scale);
  const d = rescale(fa, scale) - rescale(fb, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function isZero(value: string): boolean {
  return parse(value).units === 0n;
}

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency.toUpperCase()] ?? 2;
}

/**
 * Display form: thousands separators, padded to the currency's minor units
 * (never rounded away: extra precision from the server is shown as is), and a
 * real minus sign so a negative is never shown by colour alone.
 */
export function formatAmount(value: string, currency: string): string {
  const f = parse(value);
  const scale = Math.max(f.scale, minorUnits(currency));
  const plain = render(rescale(f, scale), scale);
  const neg = plain.startsWith('-');
  const body = neg ? plain.slice(1) : plain;
  const [int = '0', frac] = body.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '\u2212' : '') + grouped + (frac !== undefined ? '.' + frac : '');
}

/** "1,234.50 EUR": the text a screen reader and a CSV reader both get. */
export function formatMoney(value: string, currency: string): string {
  return `${formatAmount(value, currency)} ${currency.toUpperCase()}`;
}

/**
 * The running difference of a manual match: lines of one side count positive,
 * the other side negative, so a balanced selection sums to zero. Amounts of
 * different currencies are never added: the result is grouped per currency.
 */
export interface SelectedLine {
  amount: string;
  currency: string;
  side: 'left' | 'right';
}

export function runningDifference(
  lines: readonly SelectedLine[],
): { currency: string; difference: string }[] {
  const byCurrency = new Map<string, string[]>();
  for (const line of lines) {
    const list = byCurrency.get(line.currency) ?? [];
    list.push(line.side === 'left' ? line.amount : negate(line.amount));
    byCurrency.set(line.currency, list);
  }
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, values]) => ({ currency, difference: sumDecimals(values) }));
}
