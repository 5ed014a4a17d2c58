import { Decimal, resolveWindow, type CloseCalendar } from 'closegate-policy';
import type { Entry, FxRecord } from '../domain.js';

export interface Sides {
  left: Entry[];
  right: Entry[];
  leftLabel: string;
  rightLabel: string;
}

/**
 * The two sides a reviewer compares: the two entities of an intercompany match,
 * else the general ledger against the sub-ledger or bank lines.
 */
export function sidesOf(entries: Entry[], intercompany: boolean): Sides {
  if (intercompany) {
    const first = entries[0]?.entity ?? '';
    const right = entries.filter((e) => e.entity !== first);
    return {
      left: entries.filter((e) => e.entity === first),
      right,
      leftLabel: `${first} GL`,
      rightLabel: `${right[0]?.entity ?? ''} GL`,
    };
  }
  const right = entries.filter((e) => e.source !== 'gl');
  return {
    left: entries.filter((e) => e.source === 'gl'),
    right,
    leftLabel: 'General ledger',
    rightLabel: right[0]?.source === 'bank' ? 'Bank' : 'Sub-ledger',
  };
}

/** Sum of a side in USD with the match's FX records; null when a rate is missing. */
function usd(side: Entry[], fx: FxRecord[]): Decimal | null {
  let total = new Decimal(0);
  for (const e of side) {
    if (e.currency === 'USD') {
      total = total.plus(e.amount);
      continue;
    }
    const rate = fx.find((r) => r.base === e.currency && r.quote === 'USD');
    if (rate === undefined) return null;
    total = total.plus(new Decimal(e.amount).times(rate.rate));
  }
  return total;
}

/**
 * Left minus right in USD, rounded to cents. Intercompany sides book opposite
 * signs (a receivable against a payable), so their sum is the variance.
 */
export function varianceUsd(sides: Sides, fx: FxRecord[], intercompany: boolean): string | null {
  const l = usd(sides.left, fx);
  const r = usd(sides.right, fx);
  if (l === null || r === null) return null;
  return (intercompany ? l.plus(r) : l.minus(r)).toDecimalPlaces(2, Decimal.ROUND_HALF_EVEN).toFixed(2);
}

/** Every window with its UTC instants, for a timeline across time zones. */
export function windowsUtc(calendar: CloseCalendar) {
  return calendar.windows.map((w) => {
    const entity = calendar.entities.find((e) => e.code === w.entity);
    if (entity === undefined) return { ...w, opensUtc: null, closesUtc: null };
    const r = resolveWindow(w, entity);
    return { ...w, opensUtc: r.opensUtc, closesUtc: r.closesUtc };
  });
}
