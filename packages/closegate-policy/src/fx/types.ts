/** One FX rate record: 1 unit of `base` = `rate` units of `quote`, effective `asOf`. */
export interface FxRate {
  base: string;
  quote: string;
  /** Decimal string, strictly positive. */
  rate: string;
  /** Where the rate came from (adapter name and how it was derived). */
  source: string;
  /** Effective date of the rate used, YYYY-MM-DD. */
  asOf: string;
}

/** Source of FX rates. Implementations must be deterministic for a given asOf. */
export interface FxRateAdapter {
  /** The rate effective on or before `asOf` (YYYY-MM-DD); throws FxError FX_RATE_UNAVAILABLE if none. */
  rate(base: string, quote: string, asOf: string): FxRate;
}

/** A row of a fixed rate table. */
export interface DatedRate {
  base: string;
  quote: string;
  rate: string;
  asOf: string;
}
