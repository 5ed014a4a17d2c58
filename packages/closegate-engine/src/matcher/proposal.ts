import type { MatchType } from '../domain.js';
import type { MatchProposal } from './config.js';
import { absBig, centsToString, type Line, type UsdConverter } from './prepare.js';

/** Collects proposals and marks their lines taken. */
export class ProposalSink {
  readonly proposals: MatchProposal[] = [];
  constructor(private readonly usd: UsdConverter) {}

  emit(
    type: MatchType,
    anchor: Line,
    others: readonly Line[],
    score: number,
    rationale: string,
    intercompany: boolean,
  ): void {
    const lines = [anchor, ...others];
    for (const l of lines) l.taken = true;
    const fx = [];
    const seen = new Set<string>();
    for (const l of [...lines].sort((a, b) => a.id - b.id)) {
      const r = this.usd.rateFor(l.currency, l.entry.postingDate);
      const key = r === null ? '' : `${r.base}|${r.asOf}`;
      if (r !== null && !seen.has(key)) {
        seen.add(key);
        fx.push(r);
      }
    }
    this.proposals.push({
      type,
      entryIds: lines.map((l) => l.id).sort((a, b) => a - b),
      anchorId: anchor.id,
      score: score.toFixed(4),
      amountUsd: centsToString(absBig(anchor.usdCents)),
      fx,
      rationale,
      intercompany,
    });
  }
}
