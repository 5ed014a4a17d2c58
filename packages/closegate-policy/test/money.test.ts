import { Decimal as GlobalDecimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  Decimal,
  Money,
  MoneyError,
  minorUnitStep,
  minorUnitsOf,
  parseAmount,
  parseRate,
} from '../src/index.js';

function moneyErrorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MoneyError);
    return (error as MoneyError).code;
  }
  return undefined;
}

describe('parseAmount', () => {
  it.each(['-1234.50', '0', '12', '0.001', '-0', '000123.4500', '1234567890123456789012.123456789012'])(
    'accepts %s',
    (text) => {
      expect(parseAmount(text).toFixed()).toBe(new Decimal(text).toFixed());
    },
  );

  it.each([
    ['JS number', 1234.5],
    ['integer number', 12],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['bigint', 12n],
    ['null', null],
    ['undefined', undefined],
    ['object', { amount: '1' }],
    ['Decimal instance', new Decimal('1')],
    ['exponent', '1e3'],
    ['upper exponent', '1E3'],
    ['empty', ''],
    ['leading space', ' 1'],
    ['trailing space', '1 '],
    ['newline', '1\n'],
    ['plus sign', '+1'],
    ['trailing dot', '1.'],
    ['leading dot', '.5'],
    ['thousands separator', '1,000.00'],
    ['comma decimal', '1,5'],
    ['NaN string', 'NaN'],
    ['Infinity string', 'Infinity'],
    ['hex', '0x10'],
    ['double minus', '--1'],
    ['unicode digits', '١٢'],
    ['35 digits', '1'.repeat(35)],
  ])('rejects %s', (_label, value) => {
    expect(moneyErrorCode(() => parseAmount(value))).toBe('MONEY_INVALID_AMOUNT');
  });

  it('normalises negative zero', () => {
    expect(Money.of('-0.00', 'USD').toString()).toBe('0.00');
    expect(Money.of('-0', 'USD').isNegative()).toBe(false);
  });
});

describe('currencies', () => {
  it('knows ISO 4217 minor units', () => {
    expect(minorUnitsOf('USD')).toBe(2);
    expect(minorUnitsOf('EUR')).toBe(2);
    expect(minorUnitsOf('INR')).toBe(2);
    expect(minorUnitsOf('JPY')).toBe(0);
    expect(minorUnitsOf('KRW')).toBe(0);
    expect(minorUnitsOf('BHD')).toBe(3);
    expect(minorUnitsOf('KWD')).toBe(3);
    expect(minorUnitStep('USD')).toBe('0.01');
    expect(minorUnitStep('JPY')).toBe('1');
    expect(minorUnitStep('BHD')).toBe('0.001');
  });

  it.each(['usd', 'XYZ', '', 'US', 'USDD', 'constructor', '__proto__', 'toString'])(
    'rejects currency %j',
    (code) => {
      expect(moneyErrorCode(() => minorUnitsOf(code))).toBe('MONEY_UNKNOWN_CURRENCY');
      expect(moneyErrorCode(() => Money.of('1', code))).toBe('MONEY_UNKNOWN_CURRENCY');
    },
  );
});

describe('Money', () => {
  it('prints exact strings with at least the minor units', () => {
    expect(Money.of('1234.5', 'USD').toString()).toBe('1234.50');
    expect(Money.of('1234.505', 'USD').toString()).toBe('1234.505');
    expect(Money.of('1000000', 'JPY').toString()).toBe('1000000');
    expect(Money.of('1', 'BHD').toString()).toBe('1.000');
    expect(Money.of('-12', 'USD').toJSON()).toEqual({ amount: '-12.00', currency: 'USD' });
    expect(JSON.stringify({ total: Money.of('0.1', 'EUR') })).toBe(
      '{"total":{"amount":"0.10","currency":"EUR"}}',
    );
    expect(Money.of('12345678901234567890.12', 'USD').toString()).toBe('12345678901234567890.12');
  });

  it('adds and subtracts exactly (0.1 + 0.2 = 0.3)', () => {
    const sum = Money.of('0.1', 'USD').add(Money.of('0.2', 'USD'));
    expect(sum.eq(Money.of('0.3', 'USD'))).toBe(true);
    expect(sum.sub(Money.of('0.3', 'USD')).isZero()).toBe(true);
    expect(Money.sum([Money.of('1.10', 'USD'), Money.of('2.20', 'USD')], 'USD').toString()).toBe('3.30');
  });

  it('refuses to mix currencies', () => {
    const usd = Money.of('1', 'USD');
    const eur = Money.of('1', 'EUR');
    expect(moneyErrorCode(() => usd.add(eur))).toBe('MONEY_CURRENCY_MISMATCH');
    expect(moneyErrorCode(() => usd.sub(eur))).toBe('MONEY_CURRENCY_MISMATCH');
    expect(moneyErrorCode(() => usd.cmp(eur))).toBe('MONEY_CURRENCY_MISMATCH');
    expect(moneyErrorCode(() => usd.add(1 as unknown as Money))).toBe('MONEY_INVALID_AMOUNT');
  });

  it('compares', () => {
    const a = Money.of('10.00', 'USD');
    const b = Money.of('10.01', 'USD');
    expect(a.cmp(b)).toBe(-1);
    expect(b.cmp(a)).toBe(1);
    expect(a.cmp(Money.of('10', 'USD'))).toBe(0);
    expect(a.lt(b) && b.gt(a) && a.lte(a) && a.gte(a)).toBe(true);
    expect(Money.of('-5', 'USD').isNegative()).toBe(true);
    expect(Money.of('-5', 'USD').abs().toString()).toBe('5.00');
    expect(Money.of('5', 'USD').neg().toString()).toBe('-5.00');
    expect(Money.of('5', 'USD').isPositive()).toBe(true);
  });

  it('rounds half-even to minor units', () => {
    expect(Money.of('0.125', 'USD').roundToMinor().toString()).toBe('0.12');
    expect(Money.of('0.135', 'USD').roundToMinor().toString()).toBe('0.14');
    expect(Money.of('-0.125', 'USD').roundToMinor().toString()).toBe('-0.12');
    expect(Money.of('2.5', 'JPY').roundToMinor().toString()).toBe('2');
    expect(Money.of('3.5', 'JPY').roundToMinor().toString()).toBe('4');
    expect(Money.of('1.0005', 'BHD').roundToMinor().toString()).toBe('1.000');
    expect(Money.of('1.0015', 'BHD').roundToMinor().toString()).toBe('1.002');
    expect(Money.of('0.125', 'USD').isAtMinorUnits()).toBe(false);
    expect(Money.of('0.12', 'USD').isAtMinorUnits()).toBe(true);
  });

  it('multiplies by a rate into the quote currency', () => {
    const jpy = Money.of('100.00', 'USD').mulRate('149.735', 'JPY');
    expect(jpy.currency).toBe('JPY');
    expect(jpy.toString()).toBe('14973.5');
    expect(jpy.roundToMinor().toString()).toBe('14974');
    expect(Money.of('10', 'USD').mulRate(new Decimal('0.5'), 'EUR').toString()).toBe('5.00');
  });

  it.each([0.92, '0', '-1', '1e2', '', NaN])('mulRate rejects rate %j', (rate) => {
    expect(moneyErrorCode(() => Money.of('1', 'USD').mulRate(rate as string, 'EUR'))).toBe(
      'MONEY_INVALID_RATE',
    );
  });

  it('parseRate accepts positive decimal strings and Decimals only', () => {
    expect(parseRate('0.0067').toFixed()).toBe('0.0067');
    expect(moneyErrorCode(() => parseRate(new Decimal(-1)))).toBe('MONEY_INVALID_RATE');
    expect(moneyErrorCode(() => parseRate(new Decimal(Infinity)))).toBe('MONEY_INVALID_RATE');
  });

  it('is immutable and rejects non-string construction', () => {
    const money = Money.of('1', 'USD');
    expect(Object.isFrozen(money)).toBe(true);
    expect(moneyErrorCode(() => Money.of(12 as unknown as string, 'USD'))).toBe('MONEY_INVALID_AMOUNT');
    expect(moneyErrorCode(() => Money.fromJSON({ amount: 12, currency: 'USD' }))).toBe(
      'MONEY_INVALID_AMOUNT',
    );
    expect(Money.fromJSON({ amount: '12', currency: 'USD' }).toString()).toBe('12.00');
    expect(moneyErrorCode(() => Money.fromDecimal(new Decimal(NaN), 'USD'))).toBe('MONEY_INVALID_AMOUNT');
  });

  it('uses its own Decimal configuration, immune to the global one', () => {
    const saved = { precision: GlobalDecimal.precision, rounding: GlobalDecimal.rounding };
    GlobalDecimal.set({ precision: 5, rounding: GlobalDecimal.ROUND_UP });
    try {
      expect(Money.of('123456.789', 'USD').add(Money.of('0.001', 'USD')).toString()).toBe('123456.79');
    } finally {
      GlobalDecimal.set(saved);
    }
    expect(Decimal.precision).toBe(34);
    expect(Decimal.rounding).toBe(Decimal.ROUND_HALF_EVEN);
    expect(new Decimal(1).div(3).toFixed()).toBe('0.' + '3'.repeat(34));
  });
});
