import { absBig } from '../prepare.js';
import { calendarReach, openOf, type PassContext } from './context.js';
import { textOf, type V2Line } from './line.js';
import { minorToString } from './sink.js';
import { isReliableReference, maxDifference, partyVerdict, varianceReason } from './tests.js';

/**
 * Many-to-many by shared key: open lines of both sides that share a
 * reference or an invoice number (directly or through each other) form a
 * component; a component with lines on both sides, at most maxGroupSize on
 * each, all inside the window, no contradicting counterparties, whose two
 * sides sum to the same amount (within tolerance) is one match. Bounded: a
 * component is judged as a whole, no combinations are searched.
 */
export function keyGroupPass(left: readonly V2Line[], right: readonly V2Line[], c: PassContext): void {
  const lines = [
    ...openOf(left).map((l) => ({ l, isLeft: true })),
    ...openOf(right).map((l) => ({ l, isLeft: false })),
  ];
  if (lines.length < 3) return;
  const parent = lines.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  lines.forEach(({ l }, i) => {
    for (const k of keysOf(l, c)) {
      const o = owner.get(k);
      if (o === undefined) owner.set(k, i);
      else parent[find(i)] = find(o);
    }
  });
  const components = new Map<number, number[]>();
  lines.forEach(({ l }, i) => {
    if (keysOf(l, c).length === 0) return;
    const r = find(i);
    const comp = components.get(r);
    if (comp === undefined) components.set(r, [i]);
    else comp.push(i);
  });
  const reach = calendarReach(c.rule, c.cal);
  const max = c.rule.shape.maxGroupSize;
  for (const idx of [...components.values()].sort((a, b) => a[0]! - b[0]!)) {
    if (idx.length < 3) continue;
    const ls = idx.filter((i) => lines[i]!.isLeft).map((i) => lines[i]!.l);
    const rs = idx.filter((i) => !lines[i]!.isLeft).map((i) => lines[i]!.l);
    if (ls.length === 0 || rs.length === 0 || ls.length > max || rs.length > max) continue;
    const all = [...ls, ...rs];
    const currency = all[0]!.currency;
    if (all.some((l) => l.currency !== currency || l.taken || l.held)) continue;
    const days = all.map((l) => l.day);
    if (Math.max(...days) - Math.min(...days) > 2 * reach) continue;
    if (
      c.rule.text.counterparty !== 'ignore' &&
      ls.some((a) => rs.some((b) => partyVerdict(a, b, c.text) === 'disagree'))
    )
      continue;
    let sumL = 0n;
    for (const l of ls) sumL += l.minor;
    let sumR = 0n;
    for (const r of rs) sumR += c.intercompany ? -r.minor : r.minor;
    if (sumL === 0n || sumL < 0n !== sumR < 0n) continue;
    const diff = absBig(sumL - sumR);
    const size = absBig(sumR);
    let variance;
    if (diff !== 0n) {
      if (diff > maxDifference(c.rule, currency, size)) continue;
      const reason = varianceReason(c.rule, diff, size, !c.intercompany && absBig(sumL) < size, false);
      if (reason === undefined) continue;
      variance = { amount: minorToString(diff, currency), currency, reason };
    }
    const anchor = [...rs].sort((a, b) =>
      absBig(b.minor) > absBig(a.minor) ? 1 : absBig(b.minor) < absBig(a.minor) ? -1 : a.id - b.id,
    )[0]!;
    const others = all.filter((l) => l !== anchor);
    const why = `${ls.length} line(s) and ${rs.length} line(s) share references and sum to the same amount`;
    c.sink.emit('many_to_one', c.rule.name, anchor, others, 0.8, why, c.intercompany, variance);
  }
}

/** A line's keys: its invoice numbers and its reference when that is reliable (see isReliableReference). */
function keysOf(l: V2Line, c: PassContext): string[] {
  const keys = textOf(l, c.text).invoices.map((n) => `i:${n}`);
  if (isReliableReference(l.ref)) keys.push(`r:${l.ref}`);
  return keys;
}
