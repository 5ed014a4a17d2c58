import { MoneyError } from '../errors.js';
import { assertCurrency, minorUnitsOf } from './currencies.js';
import { Decimal } from './decimal.js';
import { parseAmount, parseRate } from './parse.js';

/** Wire form of Money: the amount is always a decimal string. */
export interface MoneyJson {
  amount: string;
  currency: string;
}

/**
 * An exact amount in one currency. Immutable. Arithmetic never rounds except
 * where the method says so (`roundToMinor`, `mulRate` beyond 34 digits).
 */
export class Money {
  readonly currency: string;
  readonly #value: Decimal;

  private constructor(value: Decimal, currency: string) {
    this.#value = value.isZero() ? new Decimal(0) : value;
    this.currency = currency;
    Object.freeze(this);
  }

  /** Money from a decimal string ("-1234.50") and an ISO 4217 code. */
  static of(amount: string, currency: string): Money {
    const checkedCurrency = assertCurrency(currency);
    return new Money(parseAmount(amount), checkedCurrency);
  }

  /** Money from a Decimal already computed in this package's configured context. */
  static fromDecimal(value: Decimal, currency: string): Money {
    if (!(value instanceof Object) || !Decimal.isDecimal(value) || !new Decimal(value).isFinite()) {
      throw new MoneyError('MONEY_INVALID_AMOUNT', 'Money.fromDecimal needs a finite Decimal');
    }
    return new Money(new Decimal(value), assertCurrency(currency));
  }

  /** Parses the wire form `{ amount, currency }`. */
  static fromJSON(json: unknown): Money {
    if (typeof json !== 'object' || json === null) {
      throw new MoneyError(
        'MONEY_INVALID_AMOUNT',
        'money must be an object { amount: string, currency: string }',
      );
    }
    const { amount, currency } = json as Record<string, unknown>;
    return new Money(parseAmount(amount), assertCurrency(currency));
  }

  static zero(currency: string): Money {
    return new Money(new Decimal(0), assertCurrency(currency));
  }

  /** Exact sum of `items`, all in `currency` (zero for an empty list). */
  static sum(items: Iterable<Money>, currency: string): Money {
    let total = Money.zero(currency);
    for (const item of items) total = total.add(item);
    return total;
  }

  /** The exact value as a Decimal (this package's configured class). */
  get decimal(): Decimal {
    return this.#value;
  }

  /** The exact value as a decimal string, same as `toString()`. */
  get amount(): string {
    return this.toString();
  }

  add(other: Money): Money {
    this.assertSameCurrency(other, 'add');
    return new Money(this.#value.plus(other.#value), this.currency);
  }

  sub(other: Money): Money {
    this.assertSameCurrency(other, 'subtract');
    return new Money(this.#value.minus(other.#value), this.currency);
  }

  /** -1, 0 or 1. Only amounts in the same currency compare. */
  cmp(other: Money): number {
    this.assertSameCurrency(other, 'compare');
    return this.#value.cmp(other.#value);
  }

  eq(other: Money): boolean {
    return this.cmp(other) === 0;
  }

  gt(other: Money): boolean {
    return this.cmp(other) > 0;
  }

  gte(other: Money): boolean {
    return this.cmp(other) >= 0;
  }

  lt(other: Money): boolean {
    return this.cmp(other) < 0;
  }

  lte(other: Money): boolean {
    return this.cmp(other) <= 0;
  }

  isZero(): boolean {
    return this.#value.isZero();
  }

  isNegative(): boolean {
    return this.#value.isNegative() && !this.#value.isZero();
  }

  isPositive(): boolean {
    return this.#value.isPositive() && !this.#value.isZero();
  }

  abs(): Money {
    return new Money(this.#value.abs(), this.currency);
  }

  neg(): Money {
    return new Money(this.#value.neg(), this.currency);
  }

  /** Rounded to the currency's minor units, half-even (0.125 USD -> 0.12, 0.135 USD -> 0.14). */
  roundToMinor(): Money {
    const places = minorUnitsOf(this.currency);
    return new Money(this.#value.toDecimalPlaces(places, Decimal.ROUND_HALF_EVEN), this.currency);
  }

  /** True when the amount has no digits beyond the currency's minor units. */
  isAtMinorUnits(): boolean {
    return this.#value.decimalPlaces() <= minorUnitsOf(this.currency);
  }

  /**
   * This amount times `rate`, expressed in `quoteCurrency`. Not rounded to
   * minor units: call `roundToMinor()` when booking the result.
   */
  mulRate(rate: string | Decimal, quoteCurrency: string): Money {
    const checkedQuote = assertCurrency(quoteCurrency);
    return new Money(this.#value.times(parseRate(rate)), checkedQuote);
  }

  /**
   * Exact decimal string with at least the currency's minor units
   * ("1234.50" USD, "1000000" JPY); extra digits are kept, never rounded away.
   */
  toString(): string {
    const places = Math.max(minorUnitsOf(this.currency), this.#value.decimalPlaces());
    return this.#value.toFixed(places);
  }

  toJSON(): MoneyJson {
    return { amount: this.toString(), currency: this.currency };
  }

  private assertSameCurrency(other: Money, operation: string): void {
    if (!(other instanceof Money)) {
      throw new MoneyError('MONEY_INVALID_AMOUNT', `cannot ${operation}: operand is not Money`);
    }
    if (other.currency !== this.currency) {
      throw new MoneyError(
        'MONEY_CURRENCY_MISMATCH',
        `cannot ${operation} ${other.currency} and ${this.currency}: convert with an FX rate first`,
      );
    }
  }
}
