import { FxError, MoneyError } from '../errors.js';
import { assertCurrency } from '../money/currencies.js';
import type { Money } from '../money/money.js';
import { parseRate } from '../money/parse.js';
import { assertFxDate } from './dates.js';
import type { FxRate, FxRateAdapter } from './types.js';

export interface Conversion {
  /** Converted amount, rounded half-even to the quote currency's minor units. */
  money: Money;
  /** The rate record used, as returned by the adapter. */
  rate: FxRate;
}

/**
 * Converts `money` into `quote` with the adapter's rate effective on or
 * before `asOf`. The adapter's answer is checked (pair, positive decimal
 * rate, date not after asOf) because adapters may wrap outside services.
 */
export function convert(money: Money, quote: string, asOf: string, adapter: FxRateAdapter): Conversion {
  const rate = checkedRate(money.currency, quote, asOf, adapter);
  return { money: money.mulRate(rate.rate, quote).roundToMinor(), rate };
}

/**
 * The rate record {@link convert} would use for base -> quote on `asOf`,
 * checked the same way, without converting an amount: for callers that
 * convert many amounts at one rate.
 */
export function checkedRate(base: string, quote: string, asOf: string, adapter: FxRateAdapter): FxRate {
  assertCurrency(base);
  assertCurrency(quote);
  assertFxDate(asOf, 'asOf');
  const rate = adapter.rate(base, quote, asOf);
  checkRateRecord(rate, base, quote, asOf);
  return { ...rate };
}

function checkRateRecord(rate: FxRate, base: string, quote: string, asOf: string): void {
  if (rate.base !== base || rate.quote !== quote) {
    throw new FxError(
      'FX_RATE_INVALID',
      `adapter answered ${rate.base}/${rate.quote} when asked for ${base}/${quote}`,
    );
  }
  try {
    parseRate(rate.rate);
  } catch (error) {
    if (error instanceof MoneyError) throw new FxError('FX_RATE_INVALID', `adapter rate: ${error.message}`);
    throw error;
  }
  assertFxDate(rate.asOf, 'rate asOf');
  if (rate.asOf > asOf) {
    throw new FxError('FX_RATE_INVALID', `adapter returned a rate dated ${rate.asOf}, after asOf ${asOf}`);
  }
}
