import { MoneyError } from '../errors.js';
import { Decimal } from './decimal.js';

/**
 * ISO 4217 minor units (digits after the decimal point) for the currencies
 * closegate knows. A currency missing here is refused rather than guessed.
 */
// prettier-ignore
const MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  // 2 decimals
  USD: 2, EUR: 2, GBP: 2, INR: 2, CAD: 2, AUD: 2, CHF: 2, CNY: 2, SGD: 2, HKD: 2,
  NZD: 2, SEK: 2, NOK: 2, DKK: 2, MXN: 2, BRL: 2, ZAR: 2, PLN: 2, CZK: 2, HUF: 2,
  THB: 2, MYR: 2, PHP: 2, IDR: 2, AED: 2, SAR: 2, ILS: 2, TRY: 2, TWD: 2, EGP: 2,
  // 0 decimals
  JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, PYG: 0, UGX: 0, XAF: 0, XOF: 0,
  // 3 decimals
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3, IQD: 3, LYD: 3,
});

/** Currencies in the minor-units table, sorted. */
export const KNOWN_CURRENCIES: readonly string[] = Object.freeze(Object.keys(MINOR_UNITS).sort());

export function isKnownCurrency(currency: unknown): currency is string {
  return typeof currency === 'string' && Object.prototype.hasOwnProperty.call(MINOR_UNITS, currency);
}

/** Throws MONEY_UNKNOWN_CURRENCY unless `currency` is an upper-case ISO code in the table. */
export function assertCurrency(currency: unknown): string {
  if (!isKnownCurrency(currency)) {
    throw new MoneyError(
      'MONEY_UNKNOWN_CURRENCY',
      `unknown currency ${JSON.stringify(currency)}: expected an upper-case ISO 4217 code such as USD, EUR, JPY`,
    );
  }
  return currency;
}

/** Digits after the decimal point for `currency` (USD 2, JPY 0, BHD 3). */
export function minorUnitsOf(currency: string): number {
  return MINOR_UNITS[assertCurrency(currency)]!;
}

/** The smallest amount of `currency` as a decimal string ("0.01", "1", "0.001"). */
export function minorUnitStep(currency: string): string {
  return new Decimal(1).div(new Decimal(10).pow(minorUnitsOf(currency))).toFixed();
}
