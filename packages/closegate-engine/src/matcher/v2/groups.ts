import type { MatchVariance } from '../config.js';
import { absBig } from '../prepare.js';
import { calendarReach, hold, inWindow, openOf, textAgrees, type PassContext } from './context.js';
import type { V2Line } from './line.js';
import { KeyIndex } from './keys.js';
import { minorToString } from './sink.js';
import { subsetsSumming } from './subset.js';
import { maxDifference, referenceAgrees, varianceReason } from './tests.js';

interface Ranked {
  p: V2Line;
  linked: boolean;
  gap: number;
}

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
    const values = ranked.map((r) => (c.intercompany ? -r.p.minor : r.p.minor));
    const tol = maxDifference(c.rule, t.currency, absBig(t.minor));
    const answer = subsetsSumming(values, t.minor, tol, limit);
    if (answer.kind === 'one') {
      const group = answer.indexes.map((i) => ranked[i]!.p);
      emitGroup(t, group, targetsAreLeft, c);
    } else if (answer.kind === 'several') {
      const involved = new Set<V2Line>([t]);
      for (const s of answer.indexes) for (const i of s) involved.add(ranked[i]!.p);
      hold([...involved], c.rule.name);
    }
  }
}

/** Parts for `t`, best first (reference-linked, then nearer in date, then id), at most maxGroupCandidates. */
function candidatesFor(t: V2Line, pool: readonly V2Line[], reach: number, c: PassContext): Ranked[] {
  const out: Ranked[] = [];
  const size = absBig(t.minor);
  const negative = t.minor < 0n;
  let i = firstAtOrAfter(pool, t.day - reach);
  for (; i < pool.length; i++) {
    const p = pool[i]!;
    if (p.day > t.day + reach) break;
    if (p.taken || p.held || p.minor === 0n) continue;
    const pv = c.intercompany ? -p.minor : p.minor;
    if (pv < 0n !== negative || absBig(pv) >= size) continue;
    if (!inWindow(t, p, c.rule) || !textAgrees(t, p, c, true)) continue;
    out.push({ p, linked: false, gap: Math.abs(p.day - t.day) });
  }
  // under a rule with a reference test every candidate is linked; without one, those that share a
  // reference with the target still come first (looked at only when the window is over-full)
  if (c.rule.text.reference.length === 0 && out.length > c.groupCandidates)
    for (const x of out)
      x.linked = referenceAgrees(t, x.p, ['equal', 'contained', 'invoice'], c.rule, c.text);
  out.sort((a, b) => Number(b.linked) - Number(a.linked) || a.gap - b.gap || a.p.id - b.p.id);
  return out.slice(0, c.groupCandidates);
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
