import { createHash } from 'node:crypto';
import { Decimal, parseActor, type Actor } from 'closegate-policy';
import { CsvImportError, InvalidInputError } from '../errors.js';
import { dateParser, DateFormatError, type DateParser } from '../import/dates.js';
import type { RowError } from '../import/entriesCsv.js';
import { validateFxCsv } from '../import/fxCsv.js';
import type { EngineContext } from '../operations/context.js';
import { audit } from '../operations/gate.js';
import type { FxCoverage } from '../store/config.js';
import { BooksError } from './errors.js';
import { maxStalenessDays } from './settings.js';

export interface FxImportInput {
  actor: string;
  csv: string;
  fileName?: string;
  /** A date format besides ISO, e.g. DD/MM/YYYY. */
  dateFormat?: string;
}

export interface FxImportResult {
  operation: 'fx_import';
  status: 'imported' | 'unchanged';
  sha256: string;
  imported: number;
  /** Rows equal to a stored rate (a file imported again changes nothing). */
  unchanged: number;
  pairs: string[];
  auditSeq?: number;
}

function parser(format: string | undefined): DateParser {
  try {
    return dateParser(format);
  } catch (err) {
    if (err instanceof DateFormatError) throw new InvalidInputError(err.message, { path: 'dateFormat' });
    throw err;
  }
}

function fxActor(raw: string): Actor {
  let actor: Actor;
  try {
    actor = parseActor(raw);
  } catch (err) {
    throw new InvalidInputError(`fx import: ${(err as Error).message}`, { path: 'actor' });
  }
  // rates size every match in USD (materiality): an llm never supplies them
  if (actor.kind === 'llm')
    throw new BooksError('BOOKS_ACTOR_REFUSED', [
      { path: '', message: `${actor.raw}: an llm actor may not import FX rates` },
    ]);
  return actor;
}

/**
 * `fx import`: daily rates from a CSV (date, base, quote, rate, source), all
 * or nothing, in one transaction with one FX_RATES_IMPORTED event. A stored
 * rate is never overwritten: the same value again is skipped, another value
 * for the same pair and date is a bad row.
 */
export function importFxRates(ctx: EngineContext, input: FxImportInput): FxImportResult {
  const actor = fxActor(input.actor);
  const dates = parser(input.dateFormat);
  const sha256 = createHash('sha256').update(input.csv).digest('hex');
  return ctx.store.tx(() => {
    const checked = validateFxCsv(input.csv, dates);
    if (!checked.ok) throw new CsvImportError(checked.errors);
    const errors: RowError[] = [];
    const fresh = checked.rates.filter((r) => {
      const stored = ctx.store.config.rateAt(r.base, r.quote, r.date);
      if (stored === undefined) return true;
      if (!new Decimal(stored.rate).eq(r.rate))
        errors.push({
          row: r.row,
          reason: `rate: ${r.base}/${r.quote} on ${r.date} is stored as ${stored.rate} (source ${stored.source || 'unknown'}); a stored rate is never overwritten`,
        });
      return false;
    });
    if (errors.length > 0) throw new CsvImportError(errors);
    const pairs = [...new Set(fresh.map((r) => `${r.base}/${r.quote}`))].sort();
    const base = {
      operation: 'fx_import' as const,
      sha256,
      imported: fresh.length,
      unchanged: checked.rates.length - fresh.length,
      pairs,
    };
    if (fresh.length === 0) return { ...base, status: 'unchanged' };
    for (const r of fresh)
      ctx.store.config.addRate({
        base: r.base,
        quote: r.quote,
        rate: r.rate,
        asOf: r.date,
        source: r.source,
      });
    const now = ctx.now().toISOString();
    const auditSeq = audit(
      ctx,
      'FX_RATES_IMPORTED',
      actor,
      { sha256, fileName: input.fileName ?? '', count: fresh.length, unchanged: base.unchanged, pairs },
      now,
    );
    return { ...base, status: 'imported', auditSeq };
  });
}

export interface FxView {
  /** Days a rate may be older than the line it converts; null: no window (set up before books.yaml). */
  maxStalenessDays: number | null;
  coverage: FxCoverage[];
}

export function fxView(ctx: EngineContext): FxView {
  return { maxStalenessDays: maxStalenessDays(ctx.store) ?? null, coverage: ctx.store.config.coverage() };
}
