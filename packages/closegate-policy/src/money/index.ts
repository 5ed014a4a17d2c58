export { Decimal, DECIMAL_STRING_PATTERN, MAX_DECIMAL_DIGITS } from './decimal.js';
export {
  KNOWN_CURRENCIES,
  assertCurrency,
  isKnownCurrency,
  minorUnitStep,
  minorUnitsOf,
} from './currencies.js';
export { isDecimalString, parseAmount, parseRate } from './parse.js';
export { absPlain, comparePlainAbs } from './plain.js';
export { Money, type MoneyJson } from './money.js';
