import type { MatcherConfig } from './config.js';
import { DayIndex } from './index.js';
import { absBig, type Line } from './prepare.js';
import type { ProposalSink } from './proposal.js';
import { referenceSimilarity, textSimilarity } from './text.js';

/** Lines looked at per target, nearest in date first: bounds the work however dense the window. */
const NEAREST_LIMIT = 64;

/**
 * Many-to-one pass: for each open target line, look for 2..maxGroupSize open
 * lines on the other side, same currency and sign, inside the date window,
 * whose amounts sum exactly to the target. The search is bounded: only the
 * `maxSubsetCandidates` best-ranked candidates (text similarity, then date
 * gap, then id) are combined, smallest groups first.
 */
export function manyToOnePass(
  targets: readonly Line[],
  parts: readonly Line[],
  cfg: MatcherConfig,
  sink: ProposalSink,
): void {
  const index = new DayIndex().add(parts.filter((p) => !p.taken));
  for (const t of targets) {
    if (t.taken || t.minor === 0n) continue;
    const candidates = index
      .nearest(t.currency, t.day, cfg.dateWindowDays, NEAREST_LIMIT)
      .filter((p) => p.minor !== 0n && p.minor < 0n === t.minor < 0n && absBig(p.minor) < absBig(t.minor))
      .map((p) => ({ p, sim: similarity(t, p), gap: Math.abs(p.day - t.day) }))
      .sort((a, b) => b.sim - a.sim || a.gap - b.gap || a.p.id - b.p.id)
      .slice(0, cfg.maxSubsetCandidates);
    const group = findSubset(
      candidates.map((c) => c.p),
      t.minor,
      cfg.maxGroupSize,
    );
    if (group === undefined) continue;
    const avgSim = group.reduce((s, p) => s + similarity(t, p), 0) / group.length;
    const why = `${group.length} lines sum exactly to ${t.entry.amount} ${t.currency} within ${cfg.dateWindowDays} day(s)`;
    sink.emit('many_to_one', t, group, 0.6 + 0.4 * avgSim, why, false);
  }
}

function similarity(a: Line, b: Line): number {
  return Math.max(referenceSimilarity(a.ref, b.ref), textSimilarity(a.text, b.text));
}

/** First subset (by size, then candidate rank order) of 2..maxSize lines summing to `target`. */
export function findSubset(candidates: readonly Line[], target: bigint, maxSize: number): Line[] | undefined {
  const chosen: Line[] = [];
  const search = (start: number, size: number, sum: bigint): boolean => {
    if (chosen.length === size) return sum === target;
    for (let i = start; i <= candidates.length - (size - chosen.length); i++) {
      const c = candidates[i]!;
      chosen.push(c);
      if (search(i + 1, size, sum + c.minor)) return true;
      chosen.pop();
    }
    return false;
  };
  for (let size = 2; size <= maxSize; size++) {
    if (search(0, size, 0n)) return [...chosen];
  }
  return undefined;
}
