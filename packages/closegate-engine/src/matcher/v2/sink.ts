import { minorUnitsOf } from 'closegate-policy';
import type { FxRecord, MatchType } from '../../domain.js';
import type { MatchProposal, MatchVariance } from '../config.js';
import { absBig, centsToString, type UsdConverter } from '../prepare.js';
import type { V2Line } from './line.js';

/** Collects v2 proposals and marks their lines taken. */
export class V2Sink {
  readonly proposals: MatchProposal[] = [];
  constructor(private readonly usd: UsdConverter) {}

  emit(
    type: MatchType,
    rule: string,
    anchor: V2Line,
    others: readonly V2Line[],
    score: number,
    rationale: string,
    intercompany: boolean,
    variance?: MatchVariance,
  ): void {
    const lines = others.length === 1 ? [anchor, others[0]!] : [anchor, ...others];
    for (const l of lines) l.taken = true;
    if (lines.length === 2) {
      if (lines[0]!.id > lines[1]!.id) lines.reverse();
    } else lines.sort((a, b) => a.id - b.id);
    const p: MatchProposal = {
      type,
      entryIds: lines.map((l) => l.id),
      anchorId: anchor.id,
      score: score.toFixed(4),
      amountUsd: centsToString(absBig(anchor.usd ?? 0n)),
      fx: this.ratesUsed(lines),
      rationale: variance
        ? `rule ${rule}: ${rationale}; variance ${variance.amount} ${variance.currency} (${variance.reason})`
        : `rule ${rule}: ${rationale}`,
      intercompany,
      rule,
    };
    if (variance !== undefined) p.variance = variance;
    this.proposals.push(p);
  }

  private ratesUsed(lines: readonly V2Line[]): FxRecord[] {
    const fx: FxRecord[] = [];
    if (lines.every((l) => l.currency === 'USD')) return fx;
    const seen = new Set<string>();
    for (const l of lines) {
      const r = this.usd.rateFor(l.currency, l.entry.postingDate);
      if (r === null) continue;
      const key = `${r.base}|${r.asOf}`;
      if (!seen.has(key)) {
        seen.add(key);
        fx.push(r);
      }
    }
    return fx;
  }
}

/** Minor units of `currency` (or USD cents) as a decimal string. */
export function minorToString(v: bigint, currency: string): string {
  const digits = minorUnitsOf(currency);
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return `${neg ? '-' : ''}${body}`;
}
