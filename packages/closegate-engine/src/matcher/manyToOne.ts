import type { MatcherConfig } from './config.js';
import { DayIndex } from './index.js';
import { absBig, type Line } from './prepare.js';
import type { ProposalSink } from './proposal.js';
import { lineSimilarity } from './similarity.js';

/** Lines looked at per target, nearest in date first: bounds the work however dense the window. */
const NEAREST_LIMIT = 64;

interface Ranked {
  p: Line;
  sim: number;
  gap: number;
}

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
    const nearest = index.nearest(t.currency, t.day, cfg.dateWindowDays, NEAREST_LIMIT);
    const ranked = rankCandidates(t, nearest, cfg.maxSubsetCandidates);
    if (ranked.length < 2) continue;
    const group = findSubset(ranked, t.minor, cfg.maxGroupSize);
    if (group === undefined) continue;
    const avgSim = group.reduce((s, p) => s + lineSimilarity(t, p), 0) / group.length;
    const why = `${group.length} lines sum exactly to ${t.entry.amount} ${t.currency} within ${cfg.dateWindowDays} day(s)`;
    sink.emit('many_to_one', t, group, 0.6 + 0.4 * avgSim, why, false);
  }
}

/** Possible parts of `t` (non-zero, same sign, smaller), best first: similarity, date gap, id. */
function rankCandidates(t: Line, nearest: readonly Line[], limit: number): Line[] {
  const negative = t.minor < 0n;
  const size = absBig(t.minor);
  const ranked: Ranked[] = [];
  for (const p of nearest) {
    if (p.minor === 0n || p.minor < 0n !== negative || absBig(p.minor) >= size) continue;
    ranked.push({ p, sim: lineSimilarity(t, p), gap: Math.abs(p.day - t.day) });
  }
  ranked.sort((a, b) => b.sim - a.sim || a.gap - b.gap || a.p.id - b.p.id);
  const out: Line[] = [];
  for (let i = 0; i < ranked.length && i < limit; i++) out.push(ranked[i]!.p);
  return out;
}

/**
 * First subset (by size, then candidate rank order) of 2..maxSize lines
 * summing to `target`. Each level subtracts once from what is still needed
 * and the last member is an equality scan, so the search allocates little;
 * when every candidate has the target's sign, a branch that overshoots the
 * target is cut (its sum can only move further away).
 */
export function findSubset(candidates: readonly Line[], target: bigint, maxSize: number): Line[] | undefined {
  const n = candidates.length;
  const values = candidates.map((c) => c.minor);
  const positive = target > 0n && values.every((v) => v > 0n);
  const negative = target < 0n && values.every((v) => v < 0n);
  const chosen: number[] = [];
  const search = (start: number, left: number, need: bigint): boolean => {
    if (left === 1) {
      for (let i = start; i < n; i++) {
        if (values[i] === need) {
          chosen.push(i);
          return true;
        }
      }
      return false;
    }
    if ((positive && need <= 0n) || (negative && need >= 0n)) return false;
    for (let i = start; i <= n - left; i++) {
      chosen.push(i);
      if (search(i + 1, left - 1, need - values[i]!)) return true;
      chosen.pop();
    }
    return false;
  };
  for (let size = 2; size <= maxSize; size++) {
    if (search(0, size, target)) return chosen.map((i) => candidates[i]!);
  }
  return undefined;
}
