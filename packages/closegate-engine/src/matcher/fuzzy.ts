import type { MatcherConfig } from './config.js';
import { AmountIndex } from './index.js';
import { absBig, type Line } from './prepare.js';
import type { ProposalSink } from './proposal.js';
import { lineSimilarity } from './similarity.js';

/** An acceptable pair; its rationale is written only if it becomes a proposal. */
interface Candidate {
  score: number;
  left: Line;
  right: Line;
  delta: bigint;
  cross: boolean;
  text: number;
}

const CANDIDATES_PER_LINE = 32;

/**
 * Fuzzy one-to-one pass. Same-currency candidates come from an index on the
 * line's own minor units; cross-currency candidates from an index on USD
 * cents. Every acceptable pair is scored, then pairs are taken greedily by
 * score (ties: left day, left id, right id), so the result does not depend on
 * input order.
 */
export function fuzzyPass(
  left: readonly Line[],
  right: readonly Line[],
  cfg: MatcherConfig,
  sink: ProposalSink,
  negate: boolean,
): void {
  const open = right.filter((r) => !r.taken);
  if (open.length === 0) return;
  const tol = BigInt(cfg.toleranceMinorUnits);
  const same = new AmountIndex(tol + 1n, negate, false).add(open);
  const cross = new AmountIndex(tol + 1n, negate, true).add(open);
  const found: Candidate[] = [];
  const w = cfg.dateWindowDays;
  for (const l of left) {
    if (l.taken) continue;
    for (const r of same.near(l.currency, l.minor, tol, l.day, w, CANDIDATES_PER_LINE)) {
      const c = score(l, r, absBig(negate ? l.minor + r.minor : l.minor - r.minor), false, cfg);
      if (c) found.push(c);
    }
    for (const r of cross.near('USD', l.usdCents, tol, l.day, w, CANDIDATES_PER_LINE)) {
      if (r.currency === l.currency) continue;
      const c = score(l, r, absBig(negate ? l.usdCents + r.usdCents : l.usdCents - r.usdCents), true, cfg);
      if (c) found.push(c);
    }
  }
  found.sort(
    (a, b) =>
      b.score - a.score || a.left.day - b.left.day || a.left.id - b.left.id || a.right.id - b.right.id,
  );
  for (const c of found) {
    if (c.left.taken || c.right.taken) continue;
    sink.emit('fuzzy', c.left, [c.right], c.score, rationale(c), negate);
  }
}

function score(l: Line, r: Line, delta: bigint, cross: boolean, cfg: MatcherConfig): Candidate | undefined {
  const tolPlusOne = cfg.toleranceMinorUnits + 1;
  const amountScore = 1 - Number(delta) / tolPlusOne;
  const dayGap = Math.abs(l.day - r.day);
  const dateScore = 1 - dayGap / (cfg.dateWindowDays + 1);
  const partial = 0.45 * amountScore + 0.2 * dateScore;
  // Even a perfect text match cannot lift this pair to the threshold: skip the text work.
  if (partial + 0.35 * 1 < cfg.minFuzzyScore) return undefined;
  const text = lineSimilarity(l, r);
  const s = partial + 0.35 * text;
  const textOk = text >= cfg.minTextSimilarity || (delta === 0n && !cross);
  if (s < cfg.minFuzzyScore || !textOk) return undefined;
  return { score: s, left: l, right: r, delta, cross, text };
}

function rationale(c: Candidate): string {
  const { left: l, right: r, cross } = c;
  const unit = cross ? 'USD cents' : `${l.currency} minor units`;
  const dayGap = Math.abs(l.day - r.day);
  return (
    `amount within ${c.delta} ${unit}` +
    `${cross ? ` (${l.currency}/${r.currency} via USD)` : ''}, ${dayGap} day(s) apart, text similarity ${c.text.toFixed(2)}`
  );
}
