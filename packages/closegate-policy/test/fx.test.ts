import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkedRate,
  Decimal,
  FixedRateAdapter,
  FxError,
  Money,
  convert,
  minorUnitStep,
  type DatedRate,
  type FxRate,
  type FxRateAdapter,
} from '../src/index.js';

const TABLE: DatedRate[] = [
  { base: 'USD', quote: 'JPY', rate: '149.50', asOf: '2026-03-01' },
  { base: 'USD', quote: 'JPY', rate: '151.20', asOf: '2026-03-31' },
  { base: 'EUR', quote: 'USD', rate: '1.0850', asOf: '2026-03-01' },
  { base: 'USD', quote: 'INR', rate: '83.1250', asOf: '2026-03-01' },
  { base: 'USD', quote: 'BHD', rate: '0.376', asOf: '2026-03-01' },
  { base: 'GBP', quote: 'EUR', rate: '1.17', asOf: '2026-03-01' },
  { base: 'GBP', quote: 'USD', rate: '1.2710', asOf: '2026-03-01' },
];

const adapter = new FixedRateAdapter(TABLE, { environment: 'test' });

function fxCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FxError);
    return (error as FxError).code;
  }
  return undefined;
}

describe('FixedRateAdapter', () => {
  it('uses the latest direct rate on or before asOf', () => {
    expect(adapter.rate('USD', 'JPY', '2026-03-15')).toEqual({
      base: 'USD',
      quote: 'JPY',
      rate: '149.5',
      source: 'fixed-table:direct',
      asOf: '2026-03-01',
    });
    expect(adapter.rate('USD', 'JPY', '2026-03-31').rate).toBe('151.2');
    expect(adapter.rate('USD', 'JPY', '2026-12-31').asOf).toBe('2026-03-31');
  });

  it('has no rate before the first entry', () => {
    expect(fxCode(() => adapter.rate('USD', 'JPY', '2026-02-28'))).toBe('FX_RATE_UNAVAILABLE');
  });

  it('derives the inverse rate', () => {
    const rate = adapter.rate('JPY', 'USD', '2026-03-15');
    expect(rate.source).toBe('fixed-table:inverse');
    expect(new Decimal(rate.rate).times('149.50').toDecimalPlaces(30).eq(1)).toBe(true);
  });

  it('derives cross rates through USD, dated by the stalest leg', () => {
    const rate = adapter.rate('EUR', 'JPY', '2026-03-31');
    expect(rate.source).toBe('fixed-table:cross:USD');
    expect(rate.rate).toBe('164.052'); // 1.0850 * 151.20
    expect(rate.asOf).toBe('2026-03-01');
    const inrPerEur = adapter.rate('EUR', 'INR', '2026-03-01');
    expect(inrPerEur.rate).toBe(new Decimal('1.0850').times('83.1250').toFixed());
    // JPY -> INR needs an inverse leg and a direct leg.
    const inrPerJpy = new Decimal(adapter.rate('JPY', 'INR', '2026-03-01').rate);
    expect(inrPerJpy.minus(new Decimal('83.1250').div('149.50')).abs().lt('1e-30')).toBe(true);
  });

  it('prefers a direct pair over a cross rate', () => {
    expect(adapter.rate('GBP', 'EUR', '2026-03-01')).toMatchObject({
      rate: '1.17',
      source: 'fixed-table:direct',
    });
    expect(adapter.rate('EUR', 'GBP', '2026-03-01').source).toBe('fixed-table:inverse');
  });

  it('prefers the fresher of direct and inverse', () => {
    const fx = new FixedRateAdapter(
      [
        { base: 'USD', quote: 'CAD', rate: '1.30', asOf: '2025-01-01' },
        { base: 'CAD', quote: 'USD', rate: '0.80', asOf: '2026-01-01' },
      ],
      { environment: 'dev' },
    );
    expect(fx.rate('USD', 'CAD', '2026-06-01')).toMatchObject({
      rate: '1.25',
      source: 'fixed-table:inverse',
    });
  });

  it('returns identity for the same currency', () => {
    expect(adapter.rate('USD', 'USD', '2026-03-01')).toMatchObject({
      rate: '1',
      source: 'fixed-table:identity',
    });
  });

  it('reports missing rates and bad input as typed errors', () => {
    expect(fxCode(() => adapter.rate('CHF', 'JPY', '2026-03-31'))).toBe('FX_RATE_UNAVAILABLE');
    expect(fxCode(() => adapter.rate('XXX', 'JPY', '2026-03-31'))).toBe('FX_RATE_UNAVAILABLE');
    expect(fxCode(() => adapter.rate('USD', 'JPY', '2026-3-31'))).toBe('FX_INVALID_DATE');
    expect(fxCode(() => adapter.rate('USD', 'JPY', '2026-02-30'))).toBe('FX_INVALID_DATE');
  });

  it('refuses to construct in prod unless explicitly allowed', () => {
    expect(fxCode(() => new FixedRateAdapter(TABLE, { environment: 'prod' }))).toBe('FX_FIXED_IN_PROD');
    expect(fxCode(() => new FixedRateAdapter(TABLE, { environment: 'prod', allowInProd: false }))).toBe(
      'FX_FIXED_IN_PROD',
    );
    expect(new FixedRateAdapter(TABLE, { environment: 'prod', allowInProd: true })).toBeInstanceOf(
      FixedRateAdapter,
    );
  });

  it.each([
    ['number rate', { base: 'USD', quote: 'EUR', rate: 0.92, asOf: '2026-01-01' }],
    ['zero rate', { base: 'USD', quote: 'EUR', rate: '0', asOf: '2026-01-01' }],
    ['exponent rate', { base: 'USD', quote: 'EUR', rate: '9.2e-1', asOf: '2026-01-01' }],
    ['unknown currency', { base: 'USD', quote: 'ZZZ', rate: '1', asOf: '2026-01-01' }],
    ['same currency', { base: 'USD', quote: 'USD', rate: '1', asOf: '2026-01-01' }],
    ['bad date', { base: 'USD', quote: 'EUR', rate: '1', asOf: '01/01/2026' }],
    ['extra key', { base: 'USD', quote: 'EUR', rate: '1', asOf: '2026-01-01', note: 'x' }],
  ])('rejects a table row with %s', (_label, row) => {
    expect(fxCode(() => new FixedRateAdapter([row as DatedRate], { environment: 'test' }))).toBe(
      'FX_INVALID_TABLE',
    );
  });

  it('rejects two rates for the same pair and day', () => {
    const row = { base: 'USD', quote: 'EUR', rate: '0.9', asOf: '2026-01-01' };
    expect(fxCode(() => new FixedRateAdapter([row, { ...row, rate: '0.8' }], { environment: 'test' }))).toBe(
      'FX_INVALID_TABLE',
    );
  });
});

describe('convert', () => {
  it('converts, rounds half-even to the quote currency and returns the rate used', () => {
    const { money, rate } = convert(Money.of('100.01', 'USD'), 'JPY', '2026-03-31', adapter);
    expect(money.toString()).toBe('15122'); // 15121.512 -> 15122
    expect(rate.rate).toBe('151.2');
    expect(convert(Money.of('1000', 'USD'), 'BHD', '2026-03-01', adapter).money.toString()).toBe('376.000');
  });

  it('round-trips USD -> EUR -> USD within one minor unit', () => {
    const start = Money.of('12345.67', 'USD');
    const eur = convert(start, 'EUR', '2026-03-01', adapter).money;
    const back = convert(eur, 'USD', '2026-03-01', adapter).money;
    expect(
      back
        .sub(start)
        .abs()
        .lte(Money.of(minorUnitStep('USD'), 'USD')),
    ).toBe(true);
  });

  const currencies = ['USD', 'EUR', 'JPY', 'INR', 'BHD', 'GBP'] as const;

  it('round-trips any amount between any two currencies within the rounding bound', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.constantFrom(...currencies),
        fc.constantFrom(...currencies),
        (units, from, to) => {
          const start = Money.of(units.toString(), from);
          const there = convert(start, to, '2026-03-31', adapter);
          const back = convert(there.money, from, '2026-03-31', adapter);
          // Rounding in `to` (half a step) carried back, plus rounding in `from` (half a step).
          const bound = new Decimal(minorUnitStep(to))
            .div(2)
            .times(back.rate.rate)
            .plus(new Decimal(minorUnitStep(from)).div(2));
          expect(back.money.decimal.minus(start.decimal).abs().lte(bound)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps round trips between two-decimal currencies within one minor unit', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.constantFrom('EUR', 'INR', 'GBP'),
        (cents, to) => {
          const start = Money.of(`${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`, 'USD');
          const back = convert(
            convert(start, to, '2026-03-01', adapter).money,
            'USD',
            '2026-03-01',
            adapter,
          ).money;
          expect(back.sub(start).abs().lte(Money.of('0.01', 'USD'))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('checks the answer of an untrusted adapter', () => {
    const liar = (answer: Partial<FxRate>): FxRateAdapter => ({
      rate: (base, quote, asOf) => ({ base, quote, rate: '1.1', source: 'test', asOf, ...answer }),
    });
    const usd = Money.of('1', 'USD');
    expect(fxCode(() => convert(usd, 'EUR', '2026-03-01', liar({ quote: 'GBP' })))).toBe('FX_RATE_INVALID');
    expect(fxCode(() => convert(usd, 'EUR', '2026-03-01', liar({ rate: '-1' })))).toBe('FX_RATE_INVALID');
    expect(fxCode(() => convert(usd, 'EUR', '2026-03-01', liar({ rate: 1.1 as unknown as string })))).toBe(
      'FX_RATE_INVALID',
    );
    expect(fxCode(() => convert(usd, 'EUR', '2026-03-01', liar({ asOf: '2026-03-02' })))).toBe(
      'FX_RATE_INVALID',
    );
    expect(convert(usd, 'EUR', '2026-03-01', liar({})).money.toString()).toBe('1.10');
  });

  it('checkedRate applies the same checks and returns the record convert uses, as a copy', () => {
    const liar = (answer: Partial<FxRate>): FxRateAdapter => ({
      rate: (base, quote, asOf) => ({ base, quote, rate: '1.1', source: 'test', asOf, ...answer }),
    });
    for (const bad of [{ base: 'GBP' }, { rate: '0' }, { rate: 'NaN' }, { asOf: '2026-03-02' }]) {
      expect(fxCode(() => checkedRate('USD', 'EUR', '2026-03-01', liar(bad)))).toBe('FX_RATE_INVALID');
    }
    expect(() => checkedRate('XXX1', 'USD', '2026-03-01', liar({}))).toThrow(/unknown currency/);
    const answer = { base: 'JPY', quote: 'USD', rate: '0.0067', source: 'test', asOf: '2026-02-27' };
    const record = checkedRate('JPY', 'USD', '2026-03-01', { rate: () => answer });
    expect(record).toEqual(answer);
    expect(record).not.toBe(answer);
    expect(record).toEqual(convert(Money.of('5', 'JPY'), 'USD', '2026-03-01', { rate: () => answer }).rate);
  });
});
