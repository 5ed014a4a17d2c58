import { FixedRateAdapter, FxError } from 'closegate-policy';
import { describe, expect, it } from 'vitest';
import { applyBooks, BooksError, fxView, importFxRates, loadBooks } from '../../src/books/index.js';
import { CsvImportError } from '../../src/errors.js';
import { FxRateMissingError, windowedRates } from '../../src/storedRates.js';
import { BOOKS_YAML, emptyEngine, tables } from './helpers.js';

const FX_HEADER = 'date,base,quote,rate,source';

function booked() {
  const e = emptyEngine();
  applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML));
  return e;
}

function rejected(fn: () => unknown): CsvImportError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CsvImportError);
    return err as CsvImportError;
  }
  throw new Error('expected the file to be rejected');
}

function missing(fn: () => unknown): FxRateMissingError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FxRateMissingError);
    return err as FxRateMissingError;
  }
  throw new Error('expected FX_RATE_MISSING');
}

describe('fx import', () => {
  it('imports daily rates in one transaction with one event; the same file again changes nothing', () => {
    const e = booked();
    const csv = `${FX_HEADER}\n2026-03-03,EUR,USD,1.0850,ECB\n2026-03-04,EUR,USD,1.0861,ECB\n2026-03-03,JPY,USD,0.006712,ECB cross\n`;
    const r = importFxRates(e.context, { actor: 'human:treasury', csv });
    expect(r).toMatchObject({ status: 'imported', imported: 3, unchanged: 0, pairs: ['EUR/USD', 'JPY/USD'] });
    expect(e.queries.auditQuery({ type: 'FX_RATES_IMPORTED' })).toHaveLength(1);
    expect(importFxRates(e.context, { actor: 'human:treasury', csv })).toMatchObject({
      status: 'unchanged',
      imported: 0,
      unchanged: 3,
    });
    expect(e.queries.auditQuery({ type: 'FX_RATES_IMPORTED' })).toHaveLength(1);
    expect(fxView(e.context).coverage).toEqual([
      { base: 'EUR', quote: 'USD', first: '2026-03-02', last: '2026-03-04', count: 3 },
      { base: 'JPY', quote: 'USD', first: '2026-03-03', last: '2026-03-03', count: 1 },
    ]);
    expect(e.context.store.config.rateAt('EUR', 'USD', '2026-03-03')).toMatchObject({
      rate: '1.0850',
      source: 'ECB',
    });
    e.close();
  });

  it('rejects the whole file for a float-ish, negative, zero or unparsable rate, listing every bad row', () => {
    const e = booked();
    const before = tables(e);
    const rows = [
      '2026-03-03,EUR,USD,1.0850,ECB', // row 2: fine
      '2026-03-04,EUR,USD,1.2e-3,ECB', // row 3: exponent
      '2026-03-05,EUR,USD,0.30000000000000004,ECB', // row 4: a float printed in full
      '2026-03-06,EUR,USD,-1.08,ECB', // row 5
      '2026-03-07,EUR,USD,0,ECB', // row 6
      '2026-03-08,EUR,USD,0.000,ECB', // row 7
      '2026-03-09,EUR,USD,NaN,ECB', // row 8
      '2026-03-10,EUR,USD,"1,085",ECB', // row 9: separator
      '2026-03-11,EUR,USD, 1.08,ECB', // row 10: padded
      '2026-03-12,EUR,EUR,1,ECB', // row 11: same currency
      '2026-02-30,XXX,USD,1.1,ECB', // row 12: bad date and currency
      '2026-03-03,EUR,USD,1.0850,ECB', // row 13: pair and date already on row 2
      '2026-03-13,EUR,USD,1.08,', // row 14: no source
    ];
    const err = rejected(() =>
      importFxRates(e.context, { actor: 'human:treasury', csv: [FX_HEADER, ...rows].join('\n') }),
    );
    expect([...new Set(err.rowErrors.map((r) => r.row))]).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const reason = (row: number) =>
      err.rowErrors
        .filter((r) => r.row === row)
        .map((r) => r.reason)
        .join('; ');
    expect(reason(3)).toMatch(/not a plain decimal string/);
    expect(reason(4)).toMatch(/binary float/);
    expect(reason(5)).toMatch(/above zero/);
    expect(reason(6)).toMatch(/above zero/);
    expect(reason(12)).toMatch(/date: .* not a real date/);
    expect(reason(12)).toMatch(/base: "XXX"/);
    expect(reason(13)).toMatch(/already given on row 2/);
    expect(tables(e)).toEqual(before);
    e.close();
  });

  it('never overwrites a stored rate; an llm may not import rates; a bad header is refused', () => {
    const e = booked();
    const conflict = rejected(() =>
      importFxRates(e.context, {
        actor: 'human:treasury',
        csv: `${FX_HEADER}\n2026-03-02,EUR,USD,1.0900,other\n2026-03-03,EUR,USD,1.0850,ECB\n`,
      }),
    );
    expect(conflict.rowErrors).toEqual([
      { row: 2, reason: expect.stringMatching(/stored as 1\.08 \(source test\).*never overwritten/) },
    ]);
    expect(e.context.store.config.rateAt('EUR', 'USD', '2026-03-03')).toBeUndefined();
    expect(() =>
      importFxRates(e.context, { actor: 'llm:agent', csv: `${FX_HEADER}\n2026-03-03,EUR,USD,1.0850,ECB\n` }),
    ).toThrow(BooksError);
    expect(
      rejected(() => importFxRates(e.context, { actor: 'human:t', csv: 'date,rate\n' })).rowErrors[0],
    ).toEqual({
      row: 1,
      reason: `header must be exactly: ${FX_HEADER}`,
    });
    e.close();
  });

  it('reads dates in a configured format', () => {
    const e = booked();
    const r = importFxRates(e.context, {
      actor: 'human:treasury',
      csv: `${FX_HEADER}\n03/03/2026,EUR,USD,1.0850,ECB\n`,
      dateFormat: 'DD/MM/YYYY',
    });
    expect(r.imported).toBe(1);
    expect(e.context.store.config.rateAt('EUR', 'USD', '2026-03-03')).toBeDefined();
    e.close();
  });
});

describe('the engine FX adapter: the line date or the latest before it, within the staleness window', () => {
  it('uses the rate of the date, else the latest before it; stale or missing is FX_RATE_MISSING', () => {
    const e = booked();
    importFxRates(e.context, {
      actor: 'human:treasury',
      csv: `${FX_HEADER}\n2026-03-10,EUR,USD,1.0900,ECB\n2026-03-10,JPY,USD,0.0067,ECB\n`,
    });
    const fx = e.context.fx;
    expect(fx.rate('EUR', 'USD', '2026-03-10')).toMatchObject({ rate: '1.09', asOf: '2026-03-10' });
    expect(fx.rate('EUR', 'USD', '2026-03-07')).toMatchObject({ rate: '1.08', asOf: '2026-03-02' }); // 5 days
    expect(missing(() => fx.rate('EUR', 'USD', '2026-03-08')).reason).toBe('stale'); // 6 days
    expect(fx.rate('EUR', 'USD', '2026-03-15')).toMatchObject({ asOf: '2026-03-10' }); // 5 days: inside
    const stale = missing(() => fx.rate('EUR', 'USD', '2026-03-16')); // 6 days
    expect(stale).toMatchObject({ code: 'FX_RATE_MISSING', reason: 'stale', latest: '2026-03-10' });
    const none = missing(() => fx.rate('EUR', 'USD', '2026-03-01'));
    expect(none).toMatchObject({ code: 'FX_RATE_MISSING', reason: 'missing' });
    expect(missing(() => fx.rate('GBP', 'USD', '2026-03-10')).reason).toBe('missing');
    // inverse and cross rates through USD; a cross is as old as its older leg
    expect(fx.rate('USD', 'EUR', '2026-03-10').asOf).toBe('2026-03-10');
    expect(fx.rate('EUR', 'JPY', '2026-03-12').asOf).toBe('2026-03-10');
    expect(missing(() => fx.rate('EUR', 'JPY', '2026-03-08')).reason).toBe('missing'); // no JPY leg yet
    expect(fx.rate('USD', 'USD', '2020-01-01').rate).toBe('1');
    e.close();
  });

  it('a window of zero days accepts only the rate of the date itself', () => {
    const table = new FixedRateAdapter([{ base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2026-03-02' }], {
      environment: 'test',
    });
    const fx = windowedRates(table, 0);
    expect(fx.rate('EUR', 'USD', '2026-03-02').rate).toBe('1.08');
    expect(missing(() => fx.rate('EUR', 'USD', '2026-03-03')).reason).toBe('stale');
    // no window (a database set up before books.yaml): any earlier rate, as the demo table always did
    expect(windowedRates(table, undefined).rate('EUR', 'USD', '2027-01-01').rate).toBe('1.08');
  });

  it('the window comes from books.yaml and follows a re-apply', () => {
    const e = booked();
    expect(missing(() => e.context.fx.rate('EUR', 'USD', '2026-03-20')).reason).toBe('stale');
    applyBooks(
      e.context,
      'human:controller',
      loadBooks(BOOKS_YAML.replace('max_staleness_days: 5', 'max_staleness_days: 30')),
    );
    expect(e.context.fx.rate('EUR', 'USD', '2026-03-20').asOf).toBe('2026-03-02');
    expect(fxView(e.context).maxStalenessDays).toBe(30);
    e.close();
  });

  it('in prod: the books daily rates serve, a fixed demo table is refused', () => {
    const prod = { env: { CLOSEGATE_ENV: 'prod' } };
    const e = emptyEngine(prod);
    applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML));
    expect(e.context.fx.rate('EUR', 'USD', '2026-03-03').rate).toBe('1.08');
    applyBooks(
      e.context,
      'human:controller',
      loadBooks(BOOKS_YAML.replace('max_staleness_days: 5', 'max_staleness_days: 5\n  fixed_table: true')),
    );
    expect(() => e.context.fx.rate('EUR', 'USD', '2026-03-03')).toThrow(FxError);
    expect(() => e.context.fx.rate('EUR', 'USD', '2026-03-03')).toThrow(/prod/);
    e.close();
    const demo = emptyEngine(prod);
    demo.seedDemo();
    try {
      demo.context.fx.rate('JPY', 'USD', '2026-03-03');
      throw new Error('the demo table served a rate in prod');
    } catch (err) {
      expect((err as FxError).code).toBe('FX_FIXED_IN_PROD');
    }
    demo.close();
  });
});
