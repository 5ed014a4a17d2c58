import type { MatchVariance } from '../config.js';
import type { ReferenceTest } from '../rules.js';
import { absBig } from '../prepare.js';
import { calendarReach, hold, inWindow, openOf, textAgrees, type PassContext } from './context.js';
import { DayPool, exactNumber } from './dayPool.js';
import type { V2Line } from './line.js';
import { KeyIndex } from './keys.js';
import { LinkIndex } from './links.js';
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
  const reach = calendarReach(c.rule, c.cal);
  const limit = c.rule.shape.maxGroupSize;
  const refs = c.rule.text.reference;
  // reference tests that keys can stand for: look candidates up by key, not by scanning the window
  const keyed = refs.length > 0 && !refs.includes('last_digits') ? new KeyIndex(P, c.text) : undefined;
  // without keys every target walks its currency's parts (built once; with keys, its own candidates)
  const walked = keyed === undefined ? poolsByCurrency(P, c.intercompany) : undefined;
  // without a reference test, the lines that share one with a target are looked up (built on first need)
  let links: LinkIndex | undefined;
  const linkIndex = (): LinkIndex => (links ??= new LinkIndex(P, c.text));
  for (const t of T) {
    if (t.taken || t.held || t.minor === 0n) continue;
    const pool =
      keyed !== undefined
        ? new DayPool(
            keyed
              .candidates(t, c.text)
              .filter((p) => p.currency === t.currency)
              .sort(byDayThenId),
            c.intercompany,
          )
        : walked!.get(t.currency);
    if (pool === undefined) continue;
    const ranked = candidatesFor(t, pool, reach, c, linkIndex);
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

/** The parts of each currency by (day, id), day, id and amount kept flat beside them (see DayPool). */
function poolsByCurrency(parts: readonly V2Line[], negate: boolean): Map<string, DayPool> {
  const byCurrency = new Map<string, V2Line[]>();
  for (const p of parts) {
    let b = byCurrency.get(p.currency);
    if (b === undefined) byCurrency.set(p.currency, (b = []));
    b.push(p);
  }
  const pools = new Map<string, DayPool>();
  for (const [currency, b] of byCurrency) pools.set(currency, new DayPool(b.sort(byDayThenId), negate));
  return pools;
}

function byDayThenId(x: V2Line, y: V2Line): number {
  return x.day - y.day || x.id - y.id;
}

/** Reference tests that put a candidate first under a rule without one. */
const LINK_TESTS: readonly ReferenceTest[] = ['equal', 'contained', 'invoice'];

/**
 * Parts for `t`, best first (reference-linked, then nearer in date, then id), at most maxGroupCandidates.
 * Only a window holding more than that many candidates ranks the reference-linked ones first
 * (under a rule without a reference test). The window is walked outwards from the target's day,
 * in (gap, id) order, so it stops after the first maxGroupCandidates + 1 candidates; the linked
 * ones are looked up in `links`, which misses none. The same list, in the same order, as
 * sorting every candidate of the window (see the matcher-v2 group-candidates test).
 */
export function candidatesFor(
  t: V2Line,
  pool: DayPool,
  reach: number,
  c: PassContext,
  links?: () => LinkIndex,
): V2Line[] {
  const k = c.groupCandidates;
  const walk = (visit: (p: V2Line) => boolean): void => {
    // a line that cannot be a part is not read: isCandidate would refuse it, and the walk goes on
    const target = exactNumber(t.minor);
    const lines = pool.lines;
    pool.walk(t.day, reach, (i) => !pool.mayBePart(i, target) || visit(lines[i]!));
  };
  const nearest: V2Line[] = [];
  walk((p) => {
    if (isCandidate(t, p, c)) nearest.push(p);
    return nearest.length <= k;
  });
  // k or fewer: none is ranked as linked, nearest first is the whole answer
  if (nearest.length <= k) return nearest;
  nearest.length = k;
  if (c.rule.text.reference.length > 0 || links === undefined) return nearest;
  const linked: { p: V2Line; gap: number }[] = [];
  // only the window's lines: a short token shared by many open lines is not read line by line
  for (const p of links().candidates(t, t.day - reach, t.day + reach)) {
    if (p.currency !== t.currency) continue;
    const gap = Math.abs(p.day - t.day);
    if (gap > reach || !isCandidate(t, p, c)) continue;
    if (referenceAgrees(t, p, LINK_TESTS, c.rule, c.text)) linked.push({ p, gap });
  }
  if (linked.length === 0) return nearest;
  linked.sort((a, b) => a.gap - b.gap || a.p.id - b.p.id);
  const out = linked.slice(0, k).map((x) => x.p);
  if (out.length === k) return out;
  const isLinked = new Set(out);
  walk((p) => {
    if (!isLinked.has(p) && isCandidate(t, p, c)) out.push(p);
    return out.length < k;
  });
  return out;
}

/** A part `t` may combine: open, valued, same sign and smaller, inside the window, passing the text test. */
function isCandidate(t: V2Line, p: V2Line, c: PassContext): boolean {
  if (p.taken || p.held || p.minor === 0n) return false;
  const pv = c.intercompany ? -p.minor : p.minor;
  if (pv < 0n !== t.minor < 0n || absBig(pv) >= absBig(t.minor)) return false;
  return inWindow(t, p, c.rule) && textAgrees(t, p, c, true);
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
