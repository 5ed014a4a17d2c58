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
    let lines: V2Line[];
    let allUsd = anchor.currency === 'USD';
    if (others.length === 1) {
      const o = others[0]!;
      lines = anchor.id < o.id ? [anchor, o] : [o, anchor];
      allUsd &&= o.currency === 'USD';
    } else {
      lines = [anchor, ...others].sort((a, b) => a.id - b.id);
      for (const o of others) allUsd &&= o.currency === 'USD';
    }
    const entryIds = new Array<number>(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      l.taken = true;
      entryIds[i] = l.id;
    }
    const p: MatchProposal = {
      type,
      entryIds,
      anchorId: anchor.id,
      score: scoreString(score),
      amountUsd: centsToString(absBig(anchor.usd ?? 0n)),
      fx: allUsd ? NO_RATES : this.ratesUsed(lines),
      rationale: variance
        ? `rule ${rule}: ${rationale}; variance ${variance.amount} ${variance.currency} (${variance.reason})`
        : this.ruleRationale(rule, rationale),
      intercompany,
      rule,
    };
    if (variance !== undefined) p.variance = variance;
    this.proposals.push(p);
  }

  /** Rule name -> rationale -> the proposal's wording; see ruleRationale. */
  private readonly worded = new Map<string, Map<string, string>>();
  private wordedCount = 0;

  /** Distinct wordings shared so far (a figure for tests: sharing is not observable from the strings). */
  get sharedWordings(): number {
    return this.wordedCount;
  }

  /**
   * `rule <name>: <rationale>`, one shared string per distinct wording: most
   * proposals of a rule share a rationale, and a string built per proposal
   * cost about 100 bytes each (a million proposals kept ~100 MB alive
   * through the whole apply phase). Bounded, so a book of one-off wordings
   * does not grow the table without limit.
   */
  private ruleRationale(rule: string, rationale: string): string {
    let byRationale = this.worded.get(rule);
    if (byRationale === undefined) this.worded.set(rule, (byRationale = new Map()));
    let s = byRationale.get(rationale);
    if (s === undefined) {
      s = `rule ${rule}: ${rationale}`;
      if (this.wordedCount < MAX_WORDINGS) {
        byRationale.set(rationale, s);
        this.wordedCount++;
      }
    }
    return s;
  }

  private ratesUsed(lines: readonly V2Line[]): FxRecord[] {
    const fx: FxRecord[] = [];
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

/**
 * The rates of an all-USD proposal (most of them): one frozen empty list
 * shared by all, not an empty array each (~30 MB at a million proposals,
 * kept through the whole apply phase). Nothing adds to a proposal's rates.
 */
const NO_RATES = Object.freeze([]) as unknown as FxRecord[];

/** Distinct rationale wordings one sink shares (beyond them each proposal gets its own string). */
const MAX_WORDINGS = 10_000;

const SCORES = new Map<number, string>();

/** A score as its 4-decimal string; the passes use a handful of fixed scores, so each is formatted once. */
function scoreString(score: number): string {
  let s = SCORES.get(score);
  if (s === undefined) SCORES.set(score, (s = score.toFixed(4)));
  return s;
}

/** Minor units of `currency` (or USD cents) as a decimal string. */
export function minorToString(v: bigint, currency: string): string {
  const digits = minorUnitsOf(currency);
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return `${neg ? '-' : ''}${body}`;
}
