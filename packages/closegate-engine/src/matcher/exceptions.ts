import type { MatcherConfig, MatcherException } from './config.js';
import { DayIndex } from './index.js';
import type { Line } from './prepare.js';
import { isSimilar } from './similarity.js';

const NEAR_MISS_LIMIT = 3;

/**
 * Explains every line left open: no other side at all, a similar line whose
 * amount differs, the same amount outside the date window, or nothing close.
 * `otherSide` may hold taken lines (they are skipped); `otherSideSize` counts
 * every line the other side had, matched or not.
 */
export function explainLeftovers(
  open: readonly Line[],
  otherSide: readonly Line[],
  otherSideSize: number,
  cfg: MatcherConfig,
): MatcherException[] {
  if (open.length === 0) return [];
  const otherOpen = otherSide.filter((l) => !l.taken);
  const byAmount = new Map<string, Line>();
  for (const l of otherOpen) {
    const k = `${l.currency}|${absKey(l.minor)}`;
    if (!byAmount.has(k)) byAmount.set(k, l);
  }
  const days = new DayIndex().add(otherOpen);
  return open.map((l) => {
    if (otherSideSize === 0) {
      return {
        entryId: l.id,
        reasonCode: 'NO_COUNTERPART',
        detail: 'no line on the other side of this account',
        nearMissIds: [],
      };
    }
    const similar = firstSimilar(
      l,
      days.nearest(l.currency, l.day, cfg.dateWindowDays, 32),
      cfg.minTextSimilarity,
    );
    if (similar.length > 0) {
      return {
        entryId: l.id,
        reasonCode: 'AMOUNT_MISMATCH',
        detail: `similar line(s) in the date window differ in amount beyond tolerance`,
        nearMissIds: similar.map((o) => o.id).sort((a, b) => a - b),
      };
    }
    const sameAmount = byAmount.get(`${l.currency}|${absKey(l.minor)}`);
    if (sameAmount !== undefined) {
      return {
        entryId: l.id,
        reasonCode: 'DATE_OUT_OF_WINDOW',
        detail: `a line with the same amount is dated ${sameAmount.entry.postingDate}, outside the ${cfg.dateWindowDays}-day window`,
        nearMissIds: [sameAmount.id],
      };
    }
    return { entryId: l.id, reasonCode: 'NO_CANDIDATE', detail: 'no candidate line found', nearMissIds: [] };
  });
}

/** The first NEAR_MISS_LIMIT lines (in the given order) similar enough to `l`; stops looking once found. */
function firstSimilar(l: Line, nearest: readonly Line[], min: number): Line[] {
  const out: Line[] = [];
  for (const o of nearest) {
    if (out.length === NEAR_MISS_LIMIT) break;
    if (isSimilar(l, o, min)) out.push(o);
  }
  return out;
}

function absKey(v: bigint): string {
  return (v < 0n ? -v : v).toString();
}
