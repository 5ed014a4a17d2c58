import { FixedRateAdapter, FxError, type FxRate, type FxRateAdapter } from 'closegate-policy';
import { isFixedRateTable, maxStalenessDays } from './books/settings.js';
import type { ReconStore } from './store/index.js';
import type { WriteMark } from './store/writeMarks.js';

/** An FX adapter that can hand out its rates as they stand, for one computation. */
export interface PinnableRates extends FxRateAdapter {
  /**
   * The rates as they stand now, as a plain adapter that never looks for
   * writes again: for one synchronous computation such as a matcher run,
   * which would otherwise check the database once per currency and date.
   */
  pinned(): FxRateAdapter;
}

/**
 * No usable rate for a line: none on or before its date, or only one older
 * than the books' staleness window. Code `FX_RATE_MISSING`; the recon pass
 * turns it into a line exception with that reason, never a failed run.
 */
export class FxRateMissingError extends FxError {
  constructor(
    readonly base: string,
    readonly quote: string,
    readonly asOf: string,
    readonly reason: 'missing' | 'stale',
    /** The date of the stale rate found, for a stale one. */
    readonly latest?: string,
  ) {
    super(
      'FX_RATE_MISSING',
      reason === 'missing'
        ? `no ${base}/${quote} rate on or before ${asOf}`
        : `the latest ${base}/${quote} rate before ${asOf} is from ${latest!}, older than the books' staleness window`,
    );
  }
}

/** `fx` pinned when it can be, else `fx` itself (an adapter given by the caller). */
export function pinnedRates(fx: FxRateAdapter & Partial<PinnableRates>): FxRateAdapter {
  return fx.pinned?.() ?? fx;
}

/** `date` minus `days` (YYYY-MM-DD, UTC calendar arithmetic). */
function minusDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return new Date(t - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The stored-rate adapter with the books' staleness window: the rate of the
 * line's date or the latest before it, at most `maxDays` older (a cross rate
 * is as old as its older leg). Without a window (a database set up before
 * books.yaml) any earlier rate serves, as the fixed demo table always did.
 */
export function windowedRates(table: FixedRateAdapter, maxDays: number | undefined): FxRateAdapter {
  const cutoffs = new Map<string, string>();
  return {
    rate(base: string, quote: string, asOf: string): FxRate {
      let found: FxRate;
      try {
        found = table.rate(base, quote, asOf);
      } catch (err) {
        if (err instanceof FxError && err.code === 'FX_RATE_UNAVAILABLE')
          throw new FxRateMissingError(base, quote, asOf, 'missing');
        throw err;
      }
      if (maxDays === undefined || base === quote) return found;
      let cutoff = cutoffs.get(asOf);
      if (cutoff === undefined) {
        cutoff = minusDays(asOf, maxDays);
        cutoffs.set(asOf, cutoff);
      }
      if (found.asOf < cutoff) throw new FxRateMissingError(base, quote, asOf, 'stale', found.asOf);
      return found;
    },
  };
}

/**
 * The rate adapter over the database's fx_rates table, rebuilt only
 * after a write. Re-reading the table for every rate cost more than the
 * whole exact-match stage of a matcher run. The cached table is kept only
 * when read outside a transaction: inside one it may hold this connection's
 * uncommitted rows, which a rollback removes without moving the write mark
 * back.
 */
export function storedRates(store: ReconStore, env: NodeJS.ProcessEnv): PinnableRates {
  const environment = env.CLOSEGATE_ENV ?? 'dev';
  let cached: { adapter: FxRateAdapter; mark: WriteMark } | undefined;
  const current = (): FxRateAdapter => {
    if (cached !== undefined && store.marks.unchangedSince(cached.mark)) return cached.adapter;
    const mark = store.marks.take();
    const maxDays = maxStalenessDays(store);
    // The books' daily rates (fx import) are a real rate source that prod may use; a fixed
    // demo table (fx.fixed_table, or a database set up before books.yaml) is refused in prod.
    const table = new FixedRateAdapter(store.config.rates(), {
      environment,
      allowInProd: !isFixedRateTable(store),
    });
    const adapter = windowedRates(table, maxDays);
    cached = store.db.inTransaction ? undefined : { adapter, mark };
    return adapter;
  };
  return {
    rate: (base: string, quote: string, asOf: string): FxRate => current().rate(base, quote, asOf),
    pinned: current,
  };
}
