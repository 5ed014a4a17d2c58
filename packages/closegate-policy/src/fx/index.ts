export type { DatedRate, FxRate, FxRateAdapter } from './types.js';
export { FixedRateAdapter, type FixedRateAdapterOptions } from './fixed-rate-adapter.js';
export { checkedRate, convert, type Conversion } from './convert.js';
export { isIsoDate } from './dates.js';
