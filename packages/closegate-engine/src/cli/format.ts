import { UsageError } from './io.js';

/** Counts with thousands separators (counts only: amounts stay decimal strings). */
export const count = (n: number): string => n.toLocaleString('en-US');

/** The note under a capped list, or null when every row is shown. */
export function cappedNote(shown: number, total: number): string | null {
  return shown < total ? `showing ${count(shown)} of ${count(total)}; --limit to see more` : null;
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;

/** --limit N: 1..1000, default 50. */
export function parseLimit(value: string | undefined, help: string): number {
  if (value === undefined) return DEFAULT_LIST_LIMIT;
  if (!/^[1-9]\d{0,3}$/.test(value) || Number(value) > MAX_LIST_LIMIT)
    throw new UsageError(`--limit ${value}: must be 1..${MAX_LIST_LIMIT}`, help);
  return Number(value);
}

/** Per-currency totals as `1200.00 USD, 5000 JPY` ('0' when empty). */
export function totals(t: Record<string, string>): string {
  const parts = Object.entries(t).map(([ccy, amount]) => `${amount} ${ccy}`);
  return parts.length === 0 ? '0' : parts.join(', ');
}
