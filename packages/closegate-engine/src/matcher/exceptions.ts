import type { MatcherConfig, MatcherException } from './config.js';
import { DayIndex } from './index.js';
import type { Line } from './prepare.js';
import { referenceSimilarity, textSimilarity } from './text.js';

const NEAR_MISS_LIMIT = 3;

/**
 * Explains every line left open: no other side at all, a similar line whose
 * amount differs, the same amount outside the date window, or nothing close.
 */
export function explainLeftovers(
  open: readonly Line[],
  otherSide: readonly Line[],
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
    if (otherSide.length === 0) {
      return {
        entryId: l.id,
        reasonCode: 'NO_COUNTERPART',
        detail: 'no line on the other side of this account',
        nearMissIds: [],
      };
    }
    const similar = days
      .nearest(l.currency, l.day, cfg.dateWindowDays, 32)
      .filter(
        (o) =>
          Math.max(referenceSimilarity(l.ref, o.ref), textSimilarity(l.text, o.text)) >=
          cfg.minTextSimilarity,
      )
      .slice(0, NEAR_MISS_LIMIT);
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

function absKey(v: bigint): string {
  return (v < 0n ? -v : v).toString();
}
