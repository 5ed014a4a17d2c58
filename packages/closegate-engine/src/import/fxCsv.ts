import { isKnownCurrency, parseRate } from 'closegate-policy';
import { CsvSyntaxError, parseCsv } from './csv.js';
import type { DateParser } from './dates.js';
import type { RowError } from './entriesCsv.js';

/** The columns of a daily-rates file, in this order on the header row. */
export const FX_CSV_COLUMNS = ['date', 'base', 'quote', 'rate', 'source'] as const;

export interface FxRow {
  row: number;
  date: string;
  base: string;
  quote: string;
  /** A plain decimal string above zero, as written. */
  rate: string;
  source: string;
}

export type FxCsvValidation = { ok: true; rates: FxRow[] } | { ok: false; errors: RowError[] };

const MAX_FX_BYTES = 64 * 1024 * 1024;
/** Published rates carry a handful of decimals; more than this is a binary float printed out. */
export const MAX_RATE_DECIMALS = 10;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Validates a daily-rates CSV whole: every bad row is listed (row numbers,
 * header = row 1). A rate must be a plain decimal string above zero with at
 * most {@link MAX_RATE_DECIMALS} decimals: an exponent (1.2e-3), a float
 * printed in full (0.30000000000000004), zero, a negative, NaN or a
 * thousands separator is refused. The same pair twice on one date is refused.
 */
export function validateFxCsv(content: string, dates: DateParser): FxCsvValidation {
  if (content.length > MAX_FX_BYTES) return fail(1, `file is larger than ${MAX_FX_BYTES} bytes`);
  let records;
  try {
    records = parseCsv(content).filter((r) => !(r.fields.length === 1 && r.fields[0] === ''));
  } catch (err) {
    if (err instanceof CsvSyntaxError) return fail(err.row, err.reason);
    throw err;
  }
  const header = records[0];
  if (header === undefined || header.fields.map((f) => f.trim()).join(',') !== FX_CSV_COLUMNS.join(','))
    return fail(1, `header must be exactly: ${FX_CSV_COLUMNS.join(',')}`);
  if (records.length === 1) return fail(1, 'no data rows');
  const errors: RowError[] = [];
  const rates: FxRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of records.slice(1)) {
    const report = (reason: string) => errors.push({ row: rec.row, reason });
    if (rec.fields.length !== FX_CSV_COLUMNS.length) {
      report(`expected ${FX_CSV_COLUMNS.length} fields, found ${rec.fields.length}`);
      continue;
    }
    const [rawDate, base, quote, rate, source] = rec.fields as [string, string, string, string, string];
    const before = errors.length;
    const date = dates.parse(rawDate);
    if (date === undefined)
      report(`date: ${JSON.stringify(rawDate)} is not a real date written ${dates.formats.join(' or ')}`);
    if (!isKnownCurrency(base)) report(`base: ${JSON.stringify(base)} is not a known ISO 4217 code`);
    if (!isKnownCurrency(quote)) report(`quote: ${JSON.stringify(quote)} is not a known ISO 4217 code`);
    if (base === quote) report('quote: base and quote must differ');
    const rateProblem = checkRate(rate);
    if (rateProblem !== undefined) report(`rate: ${rateProblem}`);
    if (source.length === 0 || source.length > 100 || CONTROL.test(source))
      report('source: 1-100 characters without control characters (where the rate comes from)');
    if (errors.length > before || date === undefined) continue;
    const key = `${base}/${quote}@${date}`;
    const first = seen.get(key);
    if (first !== undefined) {
      report(`${base}/${quote} on ${date} is already given on row ${first}`);
      continue;
    }
    seen.set(key, rec.row);
    rates.push({ row: rec.row, date, base, quote, rate, source });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rates };
}

function checkRate(rate: string): string | undefined {
  try {
    parseRate(rate);
  } catch (err) {
    return (err as Error).message;
  }
  const decimals = rate.split('.')[1]?.length ?? 0;
  if (decimals > MAX_RATE_DECIMALS)
    return `${JSON.stringify(rate)} has ${decimals} decimals (at most ${MAX_RATE_DECIMALS}): it looks like a binary float printed out, not a published rate`;
  return undefined;
}

function fail(row: number, reason: string): FxCsvValidation {
  return { ok: false, errors: [{ row, reason }] };
}
