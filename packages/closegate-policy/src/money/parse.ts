import { MoneyError } from '../errors.js';
import { DECIMAL_STRING_PATTERN, Decimal, MAX_DECIMAL_DIGITS } from './decimal.js';

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}

function parseDecimalString(value: unknown, code: string, what: string): Decimal {
  if (typeof value !== 'string') {
    throw new MoneyError(code, `${what} must be a decimal string such as "-1234.50", got ${describe(value)}`);
  }
  if (!DECIMAL_STRING_PATTERN.test(value)) {
    throw new MoneyError(
      code,
      `${what} ${describe(value)} is not a plain decimal string: use digits with an optional leading "-" ` +
        `and optional ".digits" (no exponent, sign "+", spaces or separators)`,
    );
  }
  const digits = value.replace(/[-.]/g, '').replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_DECIMAL_DIGITS) {
    throw new MoneyError(code, `${what} ${describe(value)} has more than ${MAX_DECIMAL_DIGITS} digits`);
  }
  const parsed = new Decimal(value);
  // Normalise "-0" so that zero has a single representation.
  return parsed.isZero() ? new Decimal(0) : parsed;
}

/**
 * Parses an amount: only strings like "-1234.50", "0", "12".
 * JS numbers, NaN, exponents ("1e3"), "+1", "1.", ".5", "" and padded strings
 * are refused with MONEY_INVALID_AMOUNT.
 */
export function parseAmount(value: unknown): Decimal {
  return parseDecimalString(value, 'MONEY_INVALID_AMOUNT', 'amount');
}

/** Parses an FX rate or multiplier: same syntax as an amount, and strictly positive. */
export function parseRate(value: unknown): Decimal {
  if (value instanceof Object && Decimal.isDecimal(value)) {
    const rate = new Decimal(value);
    if (!rate.isFinite() || !rate.isPositive() || rate.isZero()) {
      throw new MoneyError(
        'MONEY_INVALID_RATE',
        `rate ${rate.toString()} must be a finite number above zero`,
      );
    }
    return rate;
  }
  const rate = parseDecimalString(value, 'MONEY_INVALID_RATE', 'rate');
  if (!rate.isPositive() || rate.isZero()) {
    throw new MoneyError('MONEY_INVALID_RATE', `rate ${describe(value)} must be above zero`);
  }
  return rate;
}

/** True when `value` is a string that parseAmount accepts. */
export function isDecimalString(value: unknown): value is string {
  try {
    parseAmount(value);
    return true;
  } catch {
    return false;
  }
}
