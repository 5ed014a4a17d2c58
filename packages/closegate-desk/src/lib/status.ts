/** Recon status display helpers. */
import type { ReconStatusRow } from '../api/types';

/** "0.8333" -> "83.3 %" (string arithmetic: the rate is a decimal string 0..1). */
export function percentText(rate: string): string {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) return rate;
  const scaled = BigInt((m[1] ?? '0') + (m[2] ?? '').padEnd(4, '0').slice(0, 4)); // rate x 10^4
  const tenths = (scaled + 5n) / 10n; // percent x 10, half-up
  return `${tenths / 10n}.${tenths % 10n} %`;
}

export function rowLabel(r: Pick<ReconStatusRow, 'entity' | 'period'>): string {
  return `${r.entity} ${r.period}`;
}

/** Totals of one bucket as text, e.g. "1,200.00 EUR; 30.00 USD". */
export function totalsList(totals: Record<string, string>): { currency: string; amount: string }[] {
  return Object.keys(totals)
    .sort()
    .map((currency) => ({ currency, amount: totals[currency] ?? '0' }));
}
