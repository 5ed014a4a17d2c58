import { createHash } from 'node:crypto';
import { parseActor, type Actor } from 'closegate-policy';
import { CsvImportError, InvalidInputError } from '../errors.js';
import { findDuplicates, type DuplicateRow } from '../import/duplicates.js';
import { dateParser, DateFormatError } from '../import/dates.js';
import { validateEntriesCsv, type RowError } from '../import/entriesCsv.js';
import { DuplicateFileError } from '../import/errors.js';
import { checkBookRows } from '../import/bookChecks.js';
import type { EngineContext, OperationResult } from './context.js';
import { denied } from './gate.js';
import { holdForApproval } from './importHold.js';
import { gatePeriods, insertEntries } from './posting.js';

export interface ImportInput {
  actor: string;
  /** The CSV file's content. */
  csv: string;
  /** Label stored on every entry (default: sha256 prefix of the content). */
  batch?: string;
  /** The file's name, for the record (not trusted for anything). */
  fileName?: string;
  /** Import a file whose exact content was imported before (default: refused). */
  allowDuplicateFile?: boolean;
  /** Rows repeating an entry's natural key: refuse the file (default) or skip those rows. */
  onDuplicate?: 'skip' | 'fail';
  /** Amounts written 1.234,56. */
  decimalComma?: boolean;
  /** A date format besides ISO, e.g. DD/MM/YYYY. */
  dateFormat?: string;
}

/** An import's result: the operation result plus what was skipped and the file's digest. */
export interface ImportResult extends OperationResult {
  sha256: string;
  /** Rows skipped as duplicates of entries already in the book (with --on-duplicate skip). */
  skipped: DuplicateRow[];
}

/**
 * Imports a CSV of entries all-or-nothing. Refused whole, listing every bad
 * row: rows that do not parse, unknown entities or accounts, currencies with
 * no rate path, duplicates of entries in the book (unless skipped), and, next
 * to any other bad row, rows into a closed period. A file whose content was
 * imported before is refused unless allowed. Posting into each (entity,
 * period) is gated ('post_entry'): into a closed period the whole file is
 * held in a T3 escalation (or denied when the policy says so). One audit
 * event per file.
 */
export function importEntriesCsv(ctx: EngineContext, input: ImportInput): ImportResult {
  let actor: Actor;
  try {
    actor = parseActor(input.actor);
  } catch (err) {
    throw new InvalidInputError(`import: ${(err as Error).message}`);
  }
  if (input.onDuplicate !== undefined && input.onDuplicate !== 'skip' && input.onDuplicate !== 'fail')
    throw new InvalidInputError('import: onDuplicate must be skip or fail', { path: 'onDuplicate' });
  if (input.dateFormat !== undefined) {
    try {
      dateParser(input.dateFormat);
    } catch (err) {
      if (err instanceof DateFormatError) throw new InvalidInputError(err.message, { path: 'dateFormat' });
      throw err;
    }
  }
  const sha256 = createHash('sha256').update(input.csv).digest('hex');
  const batch = input.batch ?? `csv-${sha256.slice(0, 12)}`;
  const options = {
    ...(input.decimalComma === undefined ? {} : { decimalComma: input.decimalComma }),
    ...(input.dateFormat === undefined ? {} : { dateFormat: input.dateFormat }),
  };
  return ctx.store.tx(() => {
    if (input.allowDuplicateFile !== true) {
      const prior = ctx.store.importFiles.findLive(sha256);
      if (prior !== undefined) throw new DuplicateFileError(sha256, prior);
    }
    const known = new Set(ctx.store.entities.entities().map((e) => e.code));
    const checked = validateEntriesCsv(input.csv, known, options);
    // a bad header or an empty file stops here; otherwise the rows that parsed get the book's checks too
    if (!checked.ok && checked.errors.some((e) => e.row === 1)) throw new CsvImportError(checked.errors);
    const parsedRows = checked;
    const book = checkBookRows(ctx, parsedRows.entries, parsedRows.rows);
    const duplicates = findDuplicates(ctx.store.importFiles, parsedRows.entries, parsedRows.rows);
    const errors: RowError[] = [...(checked.ok ? [] : checked.errors), ...book.errors];
    if (input.onDuplicate !== 'skip')
      for (const d of duplicates)
        errors.push({
          row: d.row,
          reason: `duplicates entry ${d.entryId} (same source, entity, account, date, amount, currency and reference); pass --on-duplicate skip to skip such rows`,
        });
    if (errors.length > 0) {
      if (book.closedRows.length > 0) errors.push(...book.closedRows.map(closedRowError));
      throw new CsvImportError(errors.sort((a, b) => a.row - b.row));
    }
    const skippedRows = new Set(duplicates.map((d) => d.row));
    const entries = parsedRows.entries.filter((_, i) => !skippedRows.has(parsedRows.rows[i]!));
    const rows = parsedRows.rows.filter((r) => !skippedRows.has(r));
    const extra = { sha256, fileName: input.fileName ?? '', skipped: duplicates.length };
    const gate = gatePeriods(ctx, actor.raw, entries);
    const now = ctx.now().toISOString();
    if (gate.kind === 'deny') {
      const { entity, period, decision } = gate;
      return {
        ...denied(ctx, 'post_entry', actor, decision, { entity, period, batch }, now),
        sha256,
        skipped: duplicates,
      };
    }
    const file = {
      sha256,
      name: input.fileName ?? '',
      batch,
      rowsSkipped: duplicates.length,
      actor: actor.raw,
      createdAt: now,
    };
    if (gate.kind === 'hold') {
      const held = holdForApproval(ctx, actor, { ...file, entries, rows, closed: gate.closed }, now);
      return { ...held, sha256, skipped: duplicates };
    }
    ctx.store.importFiles.add({
      ...file,
      state: 'imported',
      rowsImported: entries.length,
      escalationId: null,
      stagedJson: null,
    });
    const result = insertEntries(ctx, actor.raw, entries, batch, extra, 'ENTRIES_IMPORTED', gate.allowed);
    return { ...result, sha256, skipped: duplicates };
  });
}

function closedRowError(c: { row: number; entity: string; period: string }): RowError {
  return {
    row: c.row,
    reason: `posting_date: period ${c.period} of ${c.entity} is closed (posting into it needs T3 approval once the file is otherwise valid)`,
  };
}
