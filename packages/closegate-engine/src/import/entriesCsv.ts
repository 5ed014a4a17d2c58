import { z } from 'zod';
import { isKnownCurrency } from 'closegate-policy';
import type { NewEntry } from '../domain.js';
import { checkMinorUnits, parseBankAmount, parseDebitCredit } from './amounts.js';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { dateParser, type DateParser } from './dates.js';

/** The documented CSV columns, in this order on the header row. */
export const CSV_COLUMNS = [
  'source',
  'entity',
  'account_code',
  'posting_date',
  'amount',
  'currency',
  'reference',
  'description',
  'counterparty',
] as const;

/** The same columns with separate debit and credit columns in place of `amount`. */
export const CSV_COLUMNS_DEBIT_CREDIT = [
  'source',
  'entity',
  'account_code',
  'posting_date',
  'debit',
  'credit',
  'currency',
  'reference',
  'description',
  'counterparty',
] as const;

export const MAX_CSV_BYTES = 256 * 1024 * 1024;
export const MAX_CSV_ROWS = 2_000_000;

export interface RowError {
  row: number;
  reason: string;
}

/** How the file writes amounts and dates (bank exports differ). */
export interface EntriesCsvOptions {
  /** `1.234,56`: comma as the decimal mark, dot as the thousands separator. */
  decimalComma?: boolean;
  /** A date format besides ISO, e.g. `DD/MM/YYYY` (see import/dates.ts). */
  dateFormat?: string;
}

export type CsvValidation =
  | { ok: true; entries: NewEntry[]; rows: number[] }
  | { ok: false; errors: RowError[]; entries: NewEntry[]; rows: number[] };

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const text = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'control characters are not allowed');

const rowSchema = z.object({
  source: z.enum(['gl', 'subledger', 'bank'], { error: 'source must be gl, subledger or bank' }),
  entity: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'entity must be 1-32 letters, digits, _ or -'),
  account_code: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'account_code must be 1-64 letters, digits, ., _ or -'),
  currency: z.string().refine(isKnownCurrency, 'currency must be a known ISO 4217 code such as USD'),
  reference: text(128),
  description: text(512),
  counterparty: text(256),
});

/**
 * Validates a whole CSV file of entries. Either every row is valid and all
 * entries are returned (with their row numbers), or every problem found is
 * returned with its row number (header = row 1) and nothing is to be
 * imported. Checks that need the book (accounts, rates, periods, duplicates)
 * are the import operation's.
 */
export function validateEntriesCsv(
  content: string,
  knownEntities: ReadonlySet<string>,
  options: EntriesCsvOptions = {},
): CsvValidation {
  if (content.length > MAX_CSV_BYTES) return fail(1, `file is larger than ${MAX_CSV_BYTES} bytes`);
  let records;
  try {
    records = parseCsv(content).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  } catch (err) {
    if (err instanceof CsvSyntaxError) return fail(err.row, err.reason);
    throw err;
  }
  const header = records[0];
  if (header === undefined) return fail(1, `empty file: expected the header ${CSV_COLUMNS.join(',')}`);
  const columns = headerColumns(header.fields);
  if (columns === undefined) {
    return fail(
      header.row,
      `header must be exactly: ${CSV_COLUMNS.join(',')} (or ${CSV_COLUMNS_DEBIT_CREDIT.join(',')})`,
    );
  }
  if (records.length - 1 > MAX_CSV_ROWS) return fail(1, `more than ${MAX_CSV_ROWS} data rows`);
  const dates = dateParser(options.dateFormat);
  const errors: RowError[] = [];
  const entries: NewEntry[] = [];
  const rows: number[] = [];
  for (const rec of records.slice(1)) {
    const report = (reason: string) => errors.push({ row: rec.row, reason });
    const entry = validateRow(rec.fields, columns, knownEntities, dates, options, report);
    if (entry !== undefined) {
      entries.push(entry);
      rows.push(rec.row);
    }
  }
  if (records.length === 1) errors.push({ row: 1, reason: 'no data rows' });
  return errors.length > 0 ? { ok: false, errors, entries, rows } : { ok: true, entries, rows };
}

function headerColumns(fields: string[]): readonly string[] | undefined {
  const joined = fields.map((f) => f.trim()).join(',');
  if (joined === CSV_COLUMNS.join(',')) return CSV_COLUMNS;
  if (joined === CSV_COLUMNS_DEBIT_CREDIT.join(',')) return CSV_COLUMNS_DEBIT_CREDIT;
  return undefined;
}

function validateRow(
  fields: string[],
  columns: readonly string[],
  knownEntities: ReadonlySet<string>,
  dates: DateParser,
  options: EntriesCsvOptions,
  report: (reason: string) => void,
): NewEntry | undefined {
  if (fields.length !== columns.length) {
    report(`expected ${columns.length} fields, found ${fields.length}`);
    return undefined;
  }
  const raw = Object.fromEntries(columns.map((c, i) => [c, fields[i]!]));
  const parsed = rowSchema.safeParse(raw);
  if (!parsed.success)
    for (const issue of parsed.error.issues) report(`${issue.path.join('.')}: ${issue.message}`);
  const postingDate = dates.parse(raw.posting_date!);
  if (postingDate === undefined)
    report(
      `posting_date: ${JSON.stringify(raw.posting_date)} is not a real date written ${dates.formats.join(' or ')}`,
    );
  const format = { decimalComma: options.decimalComma === true };
  const amount =
    raw.amount !== undefined
      ? parseBankAmount(raw.amount, format)
      : parseDebitCredit(raw.debit!, raw.credit!, format);
  if (!amount.ok) report(`amount: ${amount.reason}`);
  if (!parsed.success || postingDate === undefined || !amount.ok) return undefined;
  const r = parsed.data;
  if (!knownEntities.has(r.entity)) {
    report(`entity: ${r.entity} is not a configured entity`);
    return undefined;
  }
  const decimals = checkMinorUnits(amount.value, r.currency);
  if (decimals !== undefined) {
    report(`amount: ${decimals}`);
    return undefined;
  }
  return {
    source: r.source,
    entity: r.entity,
    accountCode: r.account_code,
    postingDate,
    amount: amount.value,
    currency: r.currency,
    reference: r.reference,
    description: r.description,
    counterparty: r.counterparty,
  };
}

function fail(row: number, reason: string): CsvValidation {
  return { ok: false, errors: [{ row, reason }], entries: [], rows: [] };
}
