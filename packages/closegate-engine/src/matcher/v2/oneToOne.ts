import type { MatchVariance } from '../config.js';
import { absBig } from '../prepare.js';
import { calendarReach, hold, inWindow, openOf, textAgrees, type PassContext } from './context.js';
import type { V2Line } from './line.js';
import { minorToString } from './sink.js';
import { EqualIndex, SortedIndex } from './sortedIndex.js';
import { allowance, maxDifference, toleranceFor, varianceReason } from './tests.js';

let passCounter = 0;

/** More qualifying candidates than this and a line is not decided by the rule. */
const CANDIDATE_LIMIT = 16;

interface Found {
  r: V2Line;
  variance: MatchVariance | undefined;
  cross: boolean;
}

/**
 * A qualifying counterpart: the line itself when it agrees on an equal
 * amount in the same currency (most do: no object per line of a large
 * book), else a Found with the variance or the cross-currency route.
 */
type Candidate = V2Line | Found;

function lineOf(c: Candidate): V2Line {
  return 'r' in c ? c.r : c;
}

function foundOf(c: Candidate): Found {
  return 'r' in c ? c : { r: c, variance: undefined, cross: false };
}

/**
 * One-to-one pass of one rule: every open left line collects the open right
 * lines that pass the rule (amount, date window, reference, counterparty).
 * A pair is matched only when each is the other's one and only candidate;
 * a line with several candidates, or a candidate wanted by several lines,
 * is held as ambiguous with its competitors listed (never auto-matched).
 */
export function oneToOnePass(left: readonly V2Line[], right: readonly V2Line[], c: PassContext): void {
  const L = openOf(left);
  const R = openOf(right);
  if (L.length === 0 || R.length === 0) return;
  const { rule } = c;
  const neg = c.intercompany;
  const valueOf = (l: V2Line): bigint => (neg ? -l.minor : l.minor);
  const same =
    rule.amount.test === 'equal'
      ? new EqualIndex(R, (l) => l.currency, valueOf)
      : new SortedIndex(R, (l) => l.currency, valueOf);
  const cross = rule.crossCurrency
    ? new SortedIndex(
        R,
        () => 'USD',
        (l) => (l.usd === undefined ? undefined : neg ? -l.usd : l.usd),
      )
    : undefined;
  const reach = calendarReach(rule, c.cal);
  // each pass stamps the right lines it touches, so their scratch needs no clearing
  const stamp = ++passCounter;
  const pickers: V2Line[] = [];
  // a line's one candidate is kept as is (most lines have one): no array per line of a large book
  const picks: (Candidate | Candidate[])[] = [];
  const scratch: Candidate[] = [];
  for (const l of L) {
    scratch.length = 0;
    const ok =
      collect(l, same, l.currency, l.minor, false, reach, c, scratch) &&
      (cross === undefined ||
        l.usd === undefined ||
        collect(l, cross, 'USD', l.usd, true, reach, c, scratch));
    // too many candidates to decide: the rule leaves the line alone
    if (!ok || scratch.length === 0 || scratch.length > CANDIDATE_LIMIT) continue;
    pickers.push(l);
    picks.push(scratch.length === 1 ? scratch[0]! : scratch.slice());
    for (const f of scratch) {
      const r = lineOf(f);
      if (r.stamp !== stamp) {
        r.stamp = stamp;
        r.want = l;
      } else if (Array.isArray(r.want)) r.want.push(l);
      else r.want = [r.want!, l];
    }
  }
  for (let k = 0; k < pickers.length; k++) {
    const l = pickers[k]!;
    const picked = picks[k]!;
    if (!Array.isArray(picked) && !Array.isArray(lineOf(picked).want)) {
      emit(l, foundOf(picked), c);
      continue;
    }
    const found = Array.isArray(picked) ? picked : [picked];
    const competitors = new Set<V2Line>([l]);
    for (const f of found) {
      const r = lineOf(f);
      competitors.add(r);
      const want = r.want!;
      if (Array.isArray(want)) for (const other of want) competitors.add(other);
      else competitors.add(want);
    }
    hold([...competitors], rule.name);
  }
}

/** One lookup's hits, reused by every lookup (the pass is synchronous): no array per line. */
const HITS: V2Line[] = [];

/** Adds the qualifying candidates of `l` from one index; false when there were too many to look at. */
function collect(
  l: V2Line,
  index: SortedIndex | EqualIndex,
  key: string,
  value: bigint,
  isCross: boolean,
  reach: number,
  c: PassContext,
  out: Candidate[],
): boolean {
  const { rule } = c;
  let widest = 0n;
  if (rule.amount.test !== 'equal') {
    const size = absBig(value);
    const first = maxDifference(rule, key, size);
    widest = first === 0n ? 0n : maxDifference(rule, key, size + first);
  }
  const hits = HITS;
  // an equal-amount rule looks up the value itself: no two bigints made per line
  const lo = widest === 0n ? value : value - widest;
  const hi = widest === 0n ? value : value + widest;
  if (!index.range(key, lo, hi, l.day - reach, l.day + reach, CANDIDATE_LIMIT, hits)) return false;
  for (const r of hits) {
    if (isCross && r.currency === l.currency) continue;
    if (!isCross && r.currency !== l.currency) continue;
    if (!inWindow(l, r, rule)) continue;
    const variance = amountAgrees(l, r, isCross, c);
    if (variance === false) continue;
    if (!textAgrees(l, r, c)) continue;
    out.push(variance === undefined && !isCross ? r : { r, variance, cross: isCross });
  }
  return true;
}

/** undefined: equal amounts; a variance: a difference the rule explains; false: no match. */
function amountAgrees(
  l: V2Line,
  r: V2Line,
  isCross: boolean,
  c: PassContext,
): MatchVariance | undefined | false {
  const lv = isCross ? l.usd! : l.minor;
  const rRaw = isCross ? r.usd! : r.minor;
  const rv = c.intercompany ? -rRaw : rRaw;
  // equal amounts (most candidates): decided without the difference's bigint
  if (lv === rv) return lv === 0n ? false : undefined;
  if (lv < 0n !== rv < 0n || lv === 0n) return false;
  const diff = absBig(lv - rv);
  if (diff === 0n) return undefined;
  const currency = isCross ? 'USD' : l.currency;
  const size = absBig(lv) > absBig(rv) ? absBig(lv) : absBig(rv);
  const t = toleranceFor(c.rule, currency);
  if (t === undefined || diff > allowance(t, size)) return false;
  const receivedSmaller = !c.intercompany && absBig(lv) < absBig(rv);
  const reason = varianceReason(c.rule, diff, size, receivedSmaller, isCross);
  if (reason === undefined) return false;
  return { amount: minorToString(diff, currency), currency, reason };
}

const HOW = new WeakMap<object, string>();

/** What linked the pair, worded once per rule. */
function howOf(rule: PassContext['rule']): string {
  let how = HOW.get(rule);
  if (how === undefined) {
    how =
      rule.text.reference.length > 0
        ? `reference (${rule.text.reference.join('/')})`
        : 'amount, date and counterparty';
    HOW.set(rule, how);
  }
  return how;
}

/** Per rule: currencies wording -> [equal, within tolerance] -> gap -> rationale. */
const RATIONALES = new WeakMap<object, Map<string, [Map<number, string>, Map<number, string>]>>();

/** The rationale of a one-to-one match, built once per rule and wording (most matches share one). */
function rationaleOf(rule: PassContext['rule'], currencies: string, variance: boolean, gap: number): string {
  let byCurrencies = RATIONALES.get(rule);
  if (byCurrencies === undefined) RATIONALES.set(rule, (byCurrencies = new Map()));
  // nested lookups rather than a composite key string: no string built per match
  let byVariance = byCurrencies.get(currencies);
  if (byVariance === undefined) byCurrencies.set(currencies, (byVariance = [new Map(), new Map()]));
  const byGap = byVariance[variance ? 1 : 0];
  let why = byGap.get(gap);
  if (why === undefined) {
    why = `${currencies}, ${variance ? 'amount within tolerance' : 'equal amount'}, ${gap} ${rule.date.unit} day(s) apart, ${howOf(rule)}; the only candidate either way`;
    byGap.set(gap, why);
  }
  return why;
}

function emit(l: V2Line, f: Found, c: PassContext): void {
  const { rule } = c;
  const r = f.r;
  const exact = f.variance === undefined && !f.cross && rule.text.reference.length > 0;
  const gap = rule.date.unit === 'business' ? Math.abs(l.bday - r.bday) : Math.abs(l.day - r.day);
  const why = rationaleOf(
    rule,
    f.cross ? `${l.currency}/${r.currency} via USD` : 'same currency',
    f.variance !== undefined,
    gap,
  );
  // the GL line (right side) anchors the match, as in v1
  c.sink.emit(exact ? 'exact' : 'fuzzy', rule.name, r, [l], exact ? 1 : 0.9, why, c.intercompany, f.variance);
}
