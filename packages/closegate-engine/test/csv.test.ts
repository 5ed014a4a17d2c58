import { describe, expect, it } from 'vitest';
import { CsvImportError, CsvSyntaxError, parseCsv } from '../src/index.js';
import { demoEngine, snapshot } from './helpers.js';

const HEADER = 'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty';

describe('RFC 4180 parser', () => {
  it('handles quotes, escaped quotes, embedded commas and line breaks, CRLF and LF', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","line1\r\nline2"\n1,,3\r\n';
    expect(parseCsv(text)).toEqual([
      { row: 1, fields: ['a', 'b', 'c'] },
      { row: 2, fields: ['x, y', 'say "hi"', 'line1\r\nline2'] },
      { row: 3, fields: ['1', '', '3'] },
    ]);
  });

  it('rejects a stray quote, text after a closing quote and an unterminated quote, naming the row', () => {
    expect(() => parseCsv('a,b\r\nx"y,z\r\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\r\n"x"y,z\r\n')).toThrow(/row 2/);
    expect(() => parseCsv('a\r\nb\r\n"open')).toThrow(/row 3: unterminated/);
  });
});

describe('CSV import', () => {
  it('imports a valid file in one batch with one audit event', () => {
    const e = demoEngine();
    const before = e.context.store.audit.count();
    const csv = `${HEADER}\r\ngl,US01,1010,2026-04-02,100.00,USD,R-1,"Deposit, branch 4",ACME\r\nbank,US01,1010,2026-04-02,100.00,USD,R-1,"Deposit ""4""",\r\n`;
    const r = e.operations.importCsv({ actor: 'human:alice', csv });
    expect(r).toMatchObject({ status: 'imported', imported: 2 });
    expect(e.context.store.audit.count()).toBe(before + 1);
    const last = e.context.store.entries.page('unmatched', 150, 10).at(-1)!;
    expect(last).toMatchObject({ description: 'Deposit "4"', amount: '100.00', reference: 'R-1' });
    e.close();
  });

  it('a file with any bad row imports nothing and lists every bad row with its reason', () => {
    const e = demoEngine();
    const before = snapshot(e);
    const rows = [
      'gl,US01,1010,2026-04-02,100.00,USD,R-1,ok,', // row 2: fine
      'gl,US01,1010,2026-04-02,1e3,USD,R-2,exponent,', // row 3
      'gl,US01,1010,2026-02-30,5.00,USD,R-3,bad date,', // row 4
      'ledger,US01,1010,2026-04-02,5.00,USD,R-4,bad source,', // row 5
      'gl,ZZ99,1010,2026-04-02,5.00,USD,R-5,unknown entity,', // row 6
      'gl,JP01,1010,2026-04-02,5.50,JPY,R-6,yen has no decimals,', // row 7
      'gl,US01,1010,2026-04-02,5.00,USD,R-7,too few', // row 8
      'gl,US01,1010,2026-04-02, 5.00,USD,R-8,padded,', // row 9
    ];
    let error: unknown;
    try {
      e.operations.importCsv({ actor: 'human:alice', csv: [HEADER, ...rows].join('\r\n') });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CsvImportError);
    expect((error as CsvImportError).rowErrors.map((r) => r.row)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect((error as CsvImportError).message).toMatch(
      /row 7: amount: 5.50 has more decimals than JPY allows/,
    );
    expect(snapshot(e)).toEqual(before);
    e.close();
  });

  it('refuses a wrong header and an empty file', () => {
    const e = demoEngine();
    expect(() => e.operations.importCsv({ actor: 'human:alice', csv: 'source,entity\r\n' })).toThrow(
      /header must be exactly/,
    );
    expect(() => e.operations.importCsv({ actor: 'human:alice', csv: '' })).toThrow(/empty file/);
    expect(() => e.operations.importCsv({ actor: 'human:alice', csv: `${HEADER}\r\n` })).toThrow(
      /no data rows/,
    );
    e.close();
  });
});
