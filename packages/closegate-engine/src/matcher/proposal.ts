import type { Entry, FxRecord, MatchType } from '../domain.js';
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
    anchor.taken = true;
    const entries = [anchor.entry];
    for (const o of others) {
      o.taken = true;
      entries.push(o.entry);
    }
    this.record(type, anchor.entry, anchor.usdCents, entries, score, rationale, intercompany);
  }

  /** An exact pair found on the columns (the caller marks both lines taken there). */
  emitPair(
    anchor: Entry,
    anchorUsdCents: bigint,
    other: Entry,
    rationale: string,
    intercompany: boolean,
  ): void {
    this.record('exact', anchor, anchorUsdCents, [anchor, other], 1, rationale, intercompany);
  }

  private record(
    type: MatchType,
    anchor: Entry,
    anchorUsdCents: bigint,
    entries: Entry[],
    score: number,
    rationale: string,
    intercompany: boolean,
  ): void {
    byId(entries);
    this.proposals.push({
      type,
      entryIds: entries.map((e) => e.id),
      anchorId: anchor.id,
      score: score.toFixed(4),
      amountUsd: centsToString(absBig(anchorUsdCents)),
      fx: this.ratesUsed(entries),
      rationale,
      intercompany,
    });
  }

  /** Distinct FX records of the lines (ascending id order); none when all are USD. */
  private ratesUsed(entries: readonly Entry[]): FxRecord[] {
    const fx: FxRecord[] = [];
    if (entries.every((e) => e.currency === 'USD')) return fx;
    const seen = new Set<string>();
    for (const e of entries) {
      const r = this.usd.rateFor(e.currency, e.postingDate);
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

/** Sorts lines by id in place; a pair (most proposals) is swapped by hand, as `sort` allocates a work array. */
function byId(entries: Entry[]): void {
  if (entries.length === 2) {
    const a = entries[0]!;
    const b = entries[1]!;
    if (a.id > b.id) {
      entries[0] = b;
      entries[1] = a;
    }
    return;
  }
  entries.sort((x, y) => x.id - y.id);
}
