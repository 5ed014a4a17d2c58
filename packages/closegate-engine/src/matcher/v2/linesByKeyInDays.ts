import type { V2Line } from './line.js';
import { firstAtOrAfter } from './dayPool.js';

/** A key shared by more lines than this is searched by day, not walked line by line. */
const SCAN_AT_MOST = 8;

/** Lines of one key, sorted by day on the first windowed look-up, with their days alongside. */
interface Bucket {
  lines: V2Line[];
  days: Float64Array | undefined;
}

/**
 * Lines by string key, looked up within a window of days. A key held by one
 * line maps to the line itself (most keys are: see LinesByKey). Why by day: on
 * a large book's leftovers a short token (the "r" of "R-123x") is shared by
 * hundreds of open lines, and each target of a group search asked for all of
 * them only to drop all but the few inside its window of a few days. Reading
 * those lines (scattered over a heap of a million) cost more than the search.
 */
export class LinesByKeyInDays {
  private readonly byKey = new Map<string, V2Line | Bucket>();

  add(key: string, l: V2Line): void {
    const held = this.byKey.get(key);
    if (held === undefined) this.byKey.set(key, l);
    else if ('lines' in held) {
      held.lines.push(l);
      held.days = undefined;
    } else this.byKey.set(key, { lines: [held, l], days: undefined });
  }

  /** Adds the lines held under `key` whose day is within [fromDay, toDay] to `out` (in no particular order). */
  addTo(key: string, out: Set<V2Line>, fromDay: number, toDay: number): void {
    const held = this.byKey.get(key);
    if (held === undefined) return;
    if (!('lines' in held)) {
      if (held.day >= fromDay && held.day <= toDay) out.add(held);
      return;
    }
    const lines = held.lines;
    if (lines.length <= SCAN_AT_MOST) {
      for (const l of lines) if (l.day >= fromDay && l.day <= toDay) out.add(l);
      return;
    }
    const days = (held.days ??= sortByDay(lines));
    for (let i = firstAtOrAfter(days, fromDay); i < days.length && days[i]! <= toDay; i++) out.add(lines[i]!);
  }
}

/** Sorts `lines` by day in place; their days, in the same order. */
function sortByDay(lines: V2Line[]): Float64Array {
  lines.sort((a, b) => a.day - b.day);
  const days = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) days[i] = lines[i]!.day;
  return days;
}
