import fs from 'node:fs';
import { verifyState } from '../../src/audit/replay/index.js';
import { describe, expect, it } from 'vitest';
import { applyBooks, loadBooks } from '../../src/books/index.js';
import { defaultPolicyPath } from '../../src/config.js';
import { CsvImportError } from '../../src/errors.js';
import { parseBankAmount, parseDebitCredit } from '../../src/import/amounts.js';
import { dateParser, DateFormatError } from '../../src/import/dates.js';
import { DuplicateFileError } from '../../src/import/errors.js';
import { importEntriesCsv, type ImportInput } from '../../src/operations/importEntries.js';
import { closeMarch } from '../helpers.js';
import { BOOKS_YAML, emptyEngine, ENTRIES_HEADER, key, tables } from './helpers.js';

function booked() {
  const e = emptyEngine();
  applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML));
  return e;
}

const csvOf = (...rows: string[]) => [ENTRIES_HEADER, ...rows].join('\r\n');
const ROW_A = 'bank,US01,1010,2026-03-03,100.00,USD,R-1,Receipt,Acme';
const ROW_B = 'gl,US01,1010,2026-03-03,100.00,USD,R-1,Receipt,Acme';

function run(e: ReturnType<typeof booked>, input: Partial<ImportInput> & { csv: string }) {
  return importEntriesCsv(e.context, { actor: 'human:clerk', ...input });
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

describe('amount and date formats (text rules, never a float)', () => {
  it('accepts the formats banks export and refuses the rest', () => {
    const dot = { decimalComma: false };
    const comma = { decimalComma: true };
    const ok = (text: string, f = dot) => {
      const r = parseBankAmount(text, f);
      if (!r.ok) throw new Error(r.reason);
      return r.value;
    };
    expect(ok('1234.56')).toBe('1234.56');
    expect(ok('1,234.56')).toBe('1234.56');
    expect(ok('(1,234.56)')).toBe('-1234.56');
    expect(ok('-1234.56')).toBe('-1234.56');
    expect(ok('1,234,567.8')).toBe('1234567.8');
    expect(ok('0.10')).toBe('0.10');
    expect(ok('(0.00)')).toBe('0.00');
    expect(ok('1.234,56', comma)).toBe('1234.56');
    expect(ok('(1.234,56)', comma)).toBe('-1234.56');
    expect(ok('-1234,56', comma)).toBe('-1234.56');
    expect(ok('12345678901234567890.12')).toBe('12345678901234567890.12'); // exact, no float rounding
    for (const bad of [
      '1e3',
      '+5',
      ' 5.00',
      '1,23.00',
      '1.234,56',
      '(-5)',
      '5.',
      '.5',
      '',
      '1 234',
      '$5',
      'NaN',
    ])
      expect(parseBankAmount(bad, dot).ok, bad).toBe(false);
    expect(parseBankAmount('1,234.56', comma).ok).toBe(false);
    expect(parseDebitCredit('1,000.00', '', dot)).toEqual({ ok: true, value: '1000.00' });
    expect(parseDebitCredit('', '250.00', dot)).toEqual({ ok: true, value: '-250.00' });
    expect(parseDebitCredit('5.00', '5.00', dot).ok).toBe(false);
    expect(parseDebitCredit('', '', dot).ok).toBe(false);
    expect(parseDebitCredit('-5.00', '', dot).ok).toBe(false);
  });

  it('reads ISO plus one configured date format, real dates only', () => {
    const p = dateParser('DD/MM/YYYY');
    expect(p.parse('03/04/2026')).toBe('2026-04-03');
    expect(p.parse('2026-04-03')).toBe('2026-04-03');
    expect(p.parse('31/02/2026')).toBeUndefined();
    expect(p.parse('3/4/2026')).toBeUndefined();
    expect(dateParser('MM/DD/YYYY').parse('04/03/2026')).toBe('2026-04-03');
    expect(dateParser('YYYYMMDD').parse('20260403')).toBe('2026-04-03');
    expect(dateParser('DD.MM.YYYY').parse('03.04.2026')).toBe('2026-04-03');
    expect(dateParser().parse('03/04/2026')).toBeUndefined();
    expect(() => dateParser('DD/MM/YY')).toThrow(DateFormatError);
    expect(() => dateParser('DD/DD/YYYY')).toThrow(DateFormatError);
  });
});

describe('import that loses nothing and doubles nothing', () => {
  it('refuses a file imported before unless allowed; a changed file is a new file', () => {
    const e = booked();
    const csv = csvOf(ROW_A, ROW_B);
    expect(run(e, { csv })).toMatchObject({ status: 'imported', imported: 2 });
    const before = tables(e);
    expect(() => run(e, { csv })).toThrow(DuplicateFileError);
    try {
      run(e, { csv });
    } catch (err) {
      expect((err as DuplicateFileError).code).toBe('IMPORT_DUPLICATE_FILE');
    }
    expect(tables(e)).toEqual(before);
    // allowed as a file, its rows are still natural-key duplicates: refused by default
    const dup = rejected(() => run(e, { csv, allowDuplicateFile: true }));
    expect(dup.rowErrors.map((r) => r.row)).toEqual([2, 3]);
    expect(dup.rowErrors[0]!.reason).toMatch(/duplicates entry 1 .*--on-duplicate skip/);
    expect(tables(e)).toEqual(before);
    e.close();
  });

  it('duplicate rows: fail lists them, skip skips exactly the lines already in the book (multiset)', () => {
    const e = booked();
    const fee = 'bank,US01,1010,2026-03-04,-2.50,USD,FEE,Wire fee,';
    run(e, { csv: csvOf(ROW_A, fee) });
    // an overlapping export: the receipt again, the same fee twice (one new), a new line
    const overlap = csvOf(ROW_A, fee, fee, 'bank,US01,1010,2026-03-05,7.00,USD,R-2,Receipt,Acme');
    const fail = rejected(() => run(e, { csv: overlap, onDuplicate: 'fail' }));
    expect(fail.rowErrors.map((r) => r.row)).toEqual([2, 3]);
    const skip = run(e, { csv: overlap, onDuplicate: 'skip' });
    expect(skip).toMatchObject({ status: 'imported', imported: 2 });
    expect(skip.skipped).toEqual([
      { row: 2, entryId: 1 },
      { row: 3, entryId: 2 },
    ]);
    const fees = e.context.store.db
      .prepare("SELECT COUNT(*) FROM entries WHERE reference = 'FEE'")
      .pluck()
      .get();
    expect(fees).toBe(2);
    // the same amount written differently is the same amount
    const again = rejected(() =>
      run(e, { csv: csvOf('bank,US01,1010,2026-03-05,7,USD,R-2,Receipt again,Acme'), onDuplicate: 'fail' }),
    );
    expect(again.rowErrors[0]!.reason).toMatch(/duplicates entry 4/);
    expect(e.queries.auditQuery({ type: 'ENTRIES_IMPORTED' }).map((x) => x.payload.count)).toEqual([2, 2]);
    e.close();
  });

  it('lists every bad row (parse and book problems together) and imports nothing', () => {
    const e = booked();
    e.context.store.periods.set({
      entity: 'US01',
      period: '2026-02',
      state: 'closed',
      closedBy: 'human:x',
      closedAt: '2026-03-05T00:00:00Z',
    });
    const before = tables(e);
    const rows = [
      ROW_A, // 2: fine
      'bank,US01,9999,2026-03-03,1.00,USD,R,unknown account,', // 3
      'bank,ZZ01,1010,2026-03-03,1.00,USD,R,unknown entity,', // 4
      'bank,US01,1010,2026-03-03,1.00,GBP,R,no GBP rate path,', // 5
      'bank,US01,1010,2026-03-03,1e3,USD,R,exponent,', // 6
      'bank,US01,1010,2026-02-30,1.00,USD,R,bad date,', // 7
      'bank,US01,1010,2026-02-27,1.00,USD,R,closed period,', // 8
      'bank,DE01,1010,2026-03-03,"1,50",EUR,R,comma without --decimal-comma,', // 9
      'bank,DE01,1010,2026-03-03,1.50,EUR,R,fine: EUR has a rate path,', // 10
    ];
    const err = rejected(() => run(e, { csv: csvOf(...rows) }));
    expect([...new Set(err.rowErrors.map((r) => r.row))]).toEqual([3, 4, 5, 6, 7, 8, 9]);
    const text = err.rowErrors.map((r) => `row ${r.row}: ${r.reason}`).join('\n');
    expect(text).toMatch(/row 3: account_code: 9999 is not an account of US01/);
    expect(text).toMatch(/row 4: entity: ZZ01 is not a configured entity/);
    expect(text).toMatch(/row 5: currency: no GBP\/USD rate path/);
    expect(text).toMatch(/row 8: posting_date: period 2026-02 of US01 is closed/);
    expect(tables(e)).toEqual(before);
    e.close();
  });

  it('reads debit/credit columns, decimal commas and a date format', () => {
    const e = booked();
    const header =
      'source,entity,account_code,posting_date,debit,credit,currency,reference,description,counterparty';
    const csv = [
      header,
      'bank,DE01,1010,03/03/2026,"1.234,56",,EUR,RE-1,Zahlung,Muller',
      'bank,DE01,1010,04/03/2026,,"12,00",EUR,FEE,Gebuehr,',
    ].join('\n');
    expect(run(e, { csv, decimalComma: true, dateFormat: 'DD/MM/YYYY' })).toMatchObject({ imported: 2 });
    const amounts = e.context.store.db.prepare('SELECT posting_date, amount FROM entries ORDER BY id').all();
    expect(amounts).toEqual([
      { posting_date: '2026-03-03', amount: '1234.56' },
      { posting_date: '2026-03-04', amount: '-12.00' },
    ]);
    e.close();
  });
});

describe('posting into a closed period', () => {
  function closedBook() {
    const e = booked();
    closeMarch(e);
    return e;
  }
  const LATE = csvOf(ROW_A, 'bank,US01,1010,2026-04-01,5.00,USD,R-9,April line,');

  it('holds the file in a T3 escalation that says the period is closed; two other humans post it', () => {
    const e = closedBook();
    const held = run(e, { csv: LATE, actor: 'human:clerk' });
    expect(held).toMatchObject({
      status: 'escalated',
      outcome: 'require_human_approval',
      imported: 0,
      decision: { code: 'T3_DUAL_APPROVAL_REQUIRED', tier: 'T3' },
    });
    expect(e.context.store.db.prepare('SELECT COUNT(*) FROM entries').pluck().get()).toBe(0);
    const esc = e.queries.escalation(held.escalationId!);
    expect(esc).toMatchObject({ action: 'post_entry', subjectKind: 'import', state: 'open', tier: 'T3' });
    expect(esc.requestRationale).toMatch(/the period is closed: US01 2026-03; 1 of 2 row\(s\)/);
    expect(e.queries.auditQuery({ type: 'IMPORT_HELD_FOR_APPROVAL' })[0]!.payload).toMatchObject({
      clauseText: esc.clauseText,
      message: esc.requestRationale,
    });
    // the same file again while held is a duplicate file
    expect(() => run(e, { csv: LATE })).toThrow(/awaiting approval in escalation/);
    const vote = (actor: string) =>
      e.operations.resolveEscalation({
        actor,
        idempotencyKey: key(),
        escalationId: held.escalationId!,
        decision: 'approve',
        rationale: 'late bank line',
      });
    expect(vote('llm:agent')).toMatchObject({
      status: 'denied',
      decision: { code: 'ESCALATION_REQUIRES_HUMAN' },
    });
    expect(vote('human:clerk')).toMatchObject({ status: 'denied', decision: { code: 'SOD_SAME_ACTOR' } });
    expect(vote('human:bob')).toMatchObject({ status: 'vote_recorded', state: 'pending_approval' });
    expect(() => vote('human:Bob')).toThrow(/already voted/);
    expect(e.context.store.db.prepare('SELECT COUNT(*) FROM entries').pluck().get()).toBe(0);
    expect(vote('human:carol')).toMatchObject({ status: 'imported', imported: 2, outcome: 'allow' });
    expect(e.context.store.db.prepare('SELECT COUNT(*) FROM entries').pluck().get()).toBe(2);
    expect(e.queries.escalation(held.escalationId!).state).toBe('approved');
    const imported = e.queries.auditQuery({ type: 'ENTRIES_IMPORTED' });
    expect(imported).toHaveLength(1);
    expect(imported[0]!.payload).toMatchObject({
      count: 2,
      escalationId: held.escalationId,
      approvals: ['human:bob', 'human:carol'],
    });
    // now imported: the file is a duplicate file
    expect(() => run(e, { csv: LATE })).toThrow(DuplicateFileError);
    expect(e.queries.verifyAudit().ok).toBe(true);
    // The held file, its votes and its posting replay from the events; only the period this
    // test closed by SQL (outside the operations) differs.
    const replay = verifyState(e.context.store.db);
    expect([...new Set(replay.differences.map((d) => d.table))]).toEqual(['periods']);
    expect(replay.unreadable).toEqual([]);
    e.close();
  });

  it('a human rejection declines the file; nothing is posted and it may be submitted again', () => {
    const e = closedBook();
    const held = run(e, { csv: LATE });
    const r = e.operations.resolveEscalation({
      actor: 'human:bob',
      idempotencyKey: key(),
      escalationId: held.escalationId!,
      decision: 'reject',
      rationale: 'belongs in April',
    });
    expect(r).toMatchObject({ status: 'declined' });
    expect(e.context.store.db.prepare('SELECT COUNT(*) FROM entries').pluck().get()).toBe(0);
    expect(e.queries.auditQuery({ type: 'IMPORT_DECLINED' })).toHaveLength(1);
    expect(run(e, { csv: LATE }).status).toBe('escalated');
    e.close();
  });

  it('with closed_period_posting: deny the file is denied, nothing held', () => {
    const policyText = fs
      .readFileSync(defaultPolicyPath(), 'utf8')
      .replace("closed_period_posting: 't3'", "closed_period_posting: 'deny'");
    const e = emptyEngine({ policyText });
    applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML));
    e.context.store.periods.set({
      entity: 'US01',
      period: '2026-03',
      state: 'closed',
      closedBy: null,
      closedAt: null,
    });
    const r = run(e, { csv: LATE });
    expect(r).toMatchObject({ status: 'denied', decision: { code: 'PERIOD_CLOSED' } });
    expect(e.context.store.db.prepare('SELECT COUNT(*) FROM escalations').pluck().get()).toBe(0);
    expect(e.context.store.db.prepare('SELECT COUNT(*) FROM import_files').pluck().get()).toBe(0);
    e.close();
  });
});
