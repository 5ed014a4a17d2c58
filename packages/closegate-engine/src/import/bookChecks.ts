import { FxError, periodOf } from 'closegate-policy';
import type { NewEntry } from '../domain.js';
import type { EngineContext } from '../operations/context.js';
import { FxRateMissingError } from '../storedRates.js';
import type { RowError } from './entriesCsv.js';

/** The book's verdict on parsed rows: problems, and rows that land in a closed period. */
export interface BookCheck {
  errors: RowError[];
  closedRows: { row: number; entity: string; period: string }[];
}

const ANY_DATE = '9999-12-31';

/**
 * Checks parsed rows against the book: the account must be set up for the
 * entity (books.yaml accounts), and a foreign-currency line needs a rate
 * path (direct, inverse or through USD, any date) to USD and to the
 * entity's functional currency; a rate too old for the line's date is the
 * matcher's FX_RATE_MISSING exception later, not an import error. Rows into
 * a closed period are returned apart: alone they hold the file for T3
 * approval, beside other bad rows they are listed with them.
 */
export function checkBookRows(
  ctx: EngineContext,
  entries: readonly NewEntry[],
  rows: readonly number[],
): BookCheck {
  const accounts = new Set(ctx.store.entities.accounts().map((a) => `${a.entity}|${a.code}`));
  const paths = new Map<string, boolean>();
  const hasPath = (from: string, to: string): boolean => {
    if (from === to) return true;
    const key = `${from}/${to}`;
    let found = paths.get(key);
    if (found === undefined) {
      found = ratePathExists(ctx, from, to);
      paths.set(key, found);
    }
    return found;
  };
  const periods = new Map<string, boolean>();
  const out: BookCheck = { errors: [], closedRows: [] };
  entries.forEach((e, i) => {
    const row = rows[i]!;
    if (!accounts.has(`${e.entity}|${e.accountCode}`))
      out.errors.push({
        row,
        reason: `account_code: ${e.accountCode} is not an account of ${e.entity} (add it to books.yaml accounts)`,
      });
    const functional = ctx.store.entities.currencyOf(e.entity);
    for (const target of new Set(['USD', functional ?? 'USD'])) {
      if (!hasPath(e.currency, target))
        out.errors.push({
          row,
          reason: `currency: no ${e.currency}/${target} rate path (direct, inverse or through USD); fx import rates first`,
        });
    }
    const period = periodOf(e.postingDate);
    const key = `${e.entity}|${period}`;
    let closed = periods.get(key);
    if (closed === undefined) {
      closed = ctx.store.periods.get(e.entity, period).state === 'closed';
      periods.set(key, closed);
    }
    if (closed) out.closedRows.push({ row, entity: e.entity, period });
  });
  return out;
}

/** True when the adapter knows any rate for the pair: a stale one still proves a path. */
function ratePathExists(ctx: EngineContext, from: string, to: string): boolean {
  try {
    ctx.fx.rate(from, to, ANY_DATE);
    return true;
  } catch (err) {
    if (err instanceof FxRateMissingError) return err.reason === 'stale';
    if (err instanceof FxError) return false;
    throw err;
  }
}
