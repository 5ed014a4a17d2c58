import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The one decimal.js configuration used for all money and rate arithmetic:
 * 34 significant digits (IEEE 754 decimal128) and banker's rounding.
 * A dedicated clone, so nothing else in the process can reconfigure it.
 * The exponent limits keep `toString()` in plain notation.
 */
export const Decimal = DecimalJs.clone({
  precision: 34,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

export type Decimal = InstanceType<typeof Decimal>;

/** Decimal strings accepted on every boundary: optional minus, digits, optional fraction. */
export const DECIMAL_STRING_PATTERN = /^-?\d+(\.\d+)?$/;

/** Longest digit run we accept; keeps every parsed value exact at 34 significant digits. */
export const MAX_DECIMAL_DIGITS = 34;
