import { FixedRateAdapter, type FxRate, type FxRateAdapter } from 'closegate-policy';
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

/** `fx` pinned when it can be, else `fx` itself (an adapter given by the caller). */
export function pinnedRates(fx: FxRateAdapter & Partial<PinnableRates>): FxRateAdapter {
  return fx.pinned?.() ?? fx;
}

/**
 * A fixed-rate adapter over the database's fx_rates table, rebuilt only
 * after a write. Re-reading the table for every rate cost more than the
 * whole exact-match stage of a matcher run. The cached table is kept only
 * when read outside a transaction: inside one it may hold this connection's
 * uncommitted rows, which a rollback removes without moving the write mark
 * back.
 */
export function storedRates(store: ReconStore, env: NodeJS.ProcessEnv): PinnableRates {
  const environment = env.CLOSEGATE_ENV ?? 'dev';
  let cached: { adapter: FixedRateAdapter; mark: WriteMark } | undefined;
  const current = (): FixedRateAdapter => {
    if (cached !== undefined && store.marks.unchangedSince(cached.mark)) return cached.adapter;
    const mark = store.marks.take();
    const adapter = new FixedRateAdapter(store.config.rates(), { environment });
    cached = store.db.inTransaction ? undefined : { adapter, mark };
    return adapter;
  };
  return {
    rate: (base: string, quote: string, asOf: string): FxRate => current().rate(base, quote, asOf),
    pinned: current,
  };
}
