import { z } from 'zod';
import { isKnownCurrency, minorUnitsOf } from 'closegate-policy';
import type { NewEntry } from '../domain.js';
import { CsvSyntaxError, parseCsv } from './csv.js';

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

export const MAX_CSV_BYTES = 256 * 1024 * 1024;
export const MAX_CSV_ROWS = 2_000_000;

export interface RowError {
  row: number;
  reason: string;
}

export type CsvValidation = { ok: true; entries: NewEntry[] } | { ok: false; errors: RowError[] };

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
  posting_date: z.string().refine(isCalendarDate, 'posting_date must be a real date written YYYY-MM-DD'),
  amount: z
    .string()
    .regex(
      /^-?\d{1,20}(\.\d{1,6})?$/,
      'amount must be a decimal string such as -1234.50 (no exponent, separators or spaces)',
    ),
  currency: z.string().refine(isKnownCurrency, 'currency must be a known ISO 4217 code such as USD'),
  reference: text(128),
  description: text(512),
  counterparty: text(256),
});

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Validates a whole CSV file of entries. Either every row is valid and all
 * entries are returned, or every problem found is returned with its row
 * number (header = row 1) and nothing is to be imported.
 */
export function validateEntriesCsv(content: string, knownEntities: ReadonlySet<string>): CsvValidation {
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
  if (header.fields.join(',') !== CSV_COLUMNS.join(',')) {
    return fail(header.row, `header must be exactly: ${CSV_COLUMNS.join(',')}`);
  }
  if (records.length - 1 > MAX_CSV_ROWS) return fail(1, `more than ${MAX_CSV_ROWS} data rows`);
  const errors: RowError[] = [];
  const entries: NewEntry[] = [];
  for (const rec of records.slice(1)) {
    const entry = validateRow(rec.fields, knownEntities, (reason) => errors.push({ row: rec.row, reason }));
    if (entry !== undefined) entries.push(entry);
  }
  if (records.length === 1) errors.push({ row: 1, reason: 'no data rows' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

function validateRow(
  fields: string[],
  knownEntities: ReadonlySet<string>,
  report: (reason: string) => void,
): NewEntry | undefined {
  if (fields.length !== CSV_COLUMNS.length) {
    report(`expected ${CSV_COLUMNS.length} fields, found ${fields.length}`);
    return undefined;
  }
  const raw = Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, fields[i]!]));
  const parsed = rowSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(`${issue.path.join('.')}: ${issue.message}`);
    return undefined;
  }
  const r = parsed.data;
  if (!knownEntities.has(r.entity)) {
    report(`entity: ${r.entity} is not a configured entity`);
    return undefined;
  }
  const decimals = r.amount.split('.')[1]?.length ?? 0;
  if (decimals > minorUnitsOf(r.currency)) {
    report(`amount: ${r.amount} has more decimals than ${r.currency} allows (${minorUnitsOf(r.currency)})`);
    return undefined;
  }
  return {
    source: r.source,
    entity: r.entity,
    accountCode: r.account_code,
    postingDate: r.posting_date,
    amount: r.amount,
    currency: r.currency,
    reference: r.reference,
    description: r.description,
    counterparty: r.counterparty,
  };
}

function fail(row: number, reason: string): CsvValidation {
  return { ok: false, errors: [{ row, reason }] };
}
