import { Decimal } from 'closegate-policy';
import type { NewEntry } from '../domain.js';
import type { ImportFileStore } from '../store/importFiles.js';

/** A file row whose natural key an entry already in the book has. */
export interface DuplicateRow {
  row: number;
  entryId: number;
}

/**
 * Finds the rows of a file that repeat entries already in the book, by
 * natural key (source, entity, account, date, amount, currency, reference).
 * Counted as multisets: a statement that really has two identical fee lines,
 * of which one was imported before, has one duplicate and one new line, so
 * re-importing an overlapping export neither doubles nor loses a line.
 */
export function findDuplicates(
  files: ImportFileStore,
  entries: readonly NewEntry[],
  rows: readonly number[],
): DuplicateRow[] {
  const existing = new Map<string, number[]>();
  const out: DuplicateRow[] = [];
  entries.forEach((e, i) => {
    const base = [e.source, e.entity, e.accountCode, e.postingDate, e.currency, e.reference].join('\u0000');
    const amountKey = new Decimal(e.amount).toFixed();
    const key = `${base}\u0000${amountKey}`;
    let ids = existing.get(key);
    if (ids === undefined) {
      ids = files
        .entriesWithKey(e)
        .filter((x) => new Decimal(x.amount).eq(e.amount))
        .map((x) => x.id);
      existing.set(key, ids);
    }
    const id = ids.shift();
    if (id !== undefined) out.push({ row: rows[i]!, entryId: id });
  });
  return out;
}
