import type { MatchVariance } from '../config.js';
import type { ReferenceTest } from '../rules.js';
import { absBig } from '../prepare.js';
import { calendarReach, hold, inWindow, openOf, textAgrees, type PassContext } from './context.js';
import type { V2Line } from './line.js';
import { KeyIndex } from './keys.js';
import { minorToString } from './sink.js';
import { subsetsSumming } from './subset.js';
import { maxDifference, referenceAgrees, varianceReason } from './tests.js';

/**
 * One-to-many pass of one rule: each open target line looks for 2..maxGroupSize
 * open lines on the other side (same currency and sign, each smaller, inside
 * the window, each passing the rule's text test against the target) whose
 * sum equals the target within the rule's tolerance. The text test comes
 * first, so a busy window shrinks to the target's own lines before any
 * combination is tried, and true parts are not crowded out by lines that
 * merely sit nearby. Exactly one qualifying subset is matched; several are
 * held as ambiguous; a search that runs out of budget decides nothing.
 * `targetsAreLeft`: the targets are the left (bank / sub-ledger) side.
 */
export function groupPass(
  targets: readonly V2Line[],
  parts: readonly V2Line[],
  targetsAreLeft: boolean,
  c: PassContext,
): void {
  const T = openOf(targets);
  const P = openOf(parts);
  if (T.length === 0 || P.length < 2) return;
  const byCurrency = new Map<string, V2Line[]>();
  for (const p of P) {
    let b = byCurrency.get(p.currency);
    if (b === undefined) byCurrency.set(p.currency, (b = []));
    b.push(p);
  }
  for (const b of byCurrency.values()) b.sort((x, y) => x.day - y.day || x.id - y.id);
  const reach = calendarReach(c.rule, c.cal);
  const limit = c.rule.shape.maxGroupSize;
  const refs = c.rule.text.reference;
  // reference tests that keys can stand for: look candidates up by key, not by scanning the window
  const keyed = refs.length > 0 && !refs.includes('last_digits') ? new KeyIndex(P, c.text) : undefined;
  for (const t of T) {
    if (t.taken || t.held || t.minor === 0n) continue;
    const pool =
      keyed !== undefined
        ? keyed
            .candidates(t, c.text)
            .filter((p) => p.currency === t.currency)
            .sort((x, y) => x.day - y.day || x.id - y.id)
        : byCurrency.get(t.currency);
    if (pool === undefined) continue;
    const ranked = candidatesFor(t, pool, reach, c);
    if (ranked.length < 2) continue;
    const values = ranked.map((p) => (c.intercompany ? -p.minor : p.minor));
    const tol = maxDifference(c.rule, t.currency, absBig(t.minor));
    const answer = subsetsSumming(values, t.minor, tol, limit);
    if (answer.kind === 'one') {
      const group = answer.indexes.map((i) => ranked[i]!);
      emitGroup(t, group, targetsAreLeft, c);
    } else if (answer.kind === 'several') {
      const involved = new Set<V2Line>([t]);
      for (const s of answer.indexes) for (const i of s) involved.add(ranked[i]!);
      hold([...involved], c.rule.name);
    }
  }
}

/** Reference tests that put a candidate first under a rule without one. */
const LINK_TESTS: readonly ReferenceTest[] = ['equal', 'contained', 'invoice'];

/** Scratch of one candidatesFor call (the pass is synchronous): no object per candidate. */
const CAND: V2Line[] = [];
const GAP: number[] = [];
const LINKED: boolean[] = [];
const TOP: number[] = [];

/**
 * Parts for `t`, best first (reference-linked, then nearer in date, then id), at most maxGroupCandidates.
 * The order is total (ids are unique), so keeping the best `k` while scanning gives exactly the
 * first `k` of the fully sorted list.
 */
export function candidatesFor(t: V2Line, pool: readonly V2Line[], reach: number, c: PassContext): V2Line[] {
  const cand = CAND;
  const gaps = GAP;
  cand.length = 0;
  gaps.length = 0;
  const size = absBig(t.minor);
  const negative = t.minor < 0n;
  const neg = c.intercompany;
  const last = t.day + reach;
  let i = firstAtOrAfter(pool, t.day - reach);
  for (; i < pool.length; i++) {
    const p = pool[i]!;
    if (p.day > last) break;
    if (p.taken || p.held || p.minor === 0n) continue;
    const pv = neg ? -p.minor : p.minor;
    if (pv < 0n !== negative || absBig(pv) >= size) continue;
    if (!inWindow(t, p, c.rule) || !textAgrees(t, p, c, true)) continue;
    cand.push(p);
    gaps.push(Math.abs(p.day - t.day));
  }
  const n = cand.length;
  const k = c.groupCandidates;
  // under a rule with a reference test every candidate is linked; without one, those that share a
  // reference with the target still come first (looked at only when the window is over-full)
  const linked = LINKED;
  linked.length = 0;
  const ranksLinks = c.rule.text.reference.length === 0 && n > k;
  for (let j = 0; j < n; j++)
    linked.push(ranksLinks && referenceAgrees(t, cand[j]!, LINK_TESTS, c.rule, c.text));
  // a before b: linked first, then nearer, then lower id
  const before = (a: number, b: number): boolean =>
    linked[a] !== linked[b]
      ? linked[a]!
      : gaps[a] !== gaps[b]
        ? gaps[a]! < gaps[b]!
        : cand[a]!.id < cand[b]!.id;
  const top = TOP;
  top.length = 0;
  for (let j = 0; j < n; j++) {
    if (top.length === k && !before(j, top[k - 1]!)) continue;
    let at = top.length === k ? k - 1 : top.length;
    if (top.length < k) top.push(j);
    while (at > 0 && before(j, top[at - 1]!)) {
      top[at] = top[at - 1]!;
      at--;
    }
    top[at] = j;
  }
  const out = new Array<V2Line>(top.length);
  for (let j = 0; j < top.length; j++) out[j] = cand[top[j]!]!;
  cand.length = 0;
  return out;
}

function firstAtOrAfter(sorted: readonly V2Line[], day: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.day < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function emitGroup(t: V2Line, group: readonly V2Line[], targetsAreLeft: boolean, c: PassContext): void {
  let sum = 0n;
  for (const p of group) sum += c.intercompany ? -p.minor : p.minor;
  const diff = absBig(t.minor - sum);
  let variance: MatchVariance | undefined;
  if (diff !== 0n) {
    // the left (bank / sub-ledger) side is what was received
    const received = targetsAreLeft ? absBig(t.minor) : absBig(sum);
    const booked = targetsAreLeft ? absBig(sum) : absBig(t.minor);
    const reason = varianceReason(c.rule, diff, absBig(t.minor), !c.intercompany && received < booked, false);
    if (reason === undefined) return;
    variance = { amount: minorToString(diff, t.currency), currency: t.currency, reason };
  }
  const why = `${group.length} lines sum to ${t.entry.amount} ${t.currency}${variance ? ' within tolerance' : ''} within ${c.rule.date.days} ${c.rule.date.unit} day(s); the only such group among the target's candidates`;
  c.sink.emit('many_to_one', c.rule.name, t, group, 0.8, why, c.intercompany, variance);
}
