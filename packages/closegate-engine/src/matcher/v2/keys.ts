import { textOf, type TextContext, type V2Line } from './line.js';
import { LinesByKey } from './linesByKey.js';
import { isReliableReference, refNumberOf } from './tests.js';

/** Longest run of consecutive narrative tokens a `contained` reference is looked up as. */
const MAX_CONCAT = 3;

/**
 * Keys a line's text offers: its reference, each run of 1..3 consecutive
 * narrative tokens that could be a reference, its document numbers and its
 * invoice numbers. Two lines can pass a reference test (equal, contained,
 * invoice) only if one's ask-keys meet the other's offer-keys, so a group
 * search looks up candidates by key instead of testing every line in the
 * window. A superset filter: the full test still runs on each candidate.
 */
export function offerKeys(l: V2Line, ctx: TextContext): readonly string[] {
  const t = textOf(l, ctx);
  // the same for every rule's key index and the explanation: built once per line
  if (t.offers !== undefined) return t.offers;
  const out = new Set<string>();
  if (l.ref !== '') out.add(`x:${l.ref}`);
  const toks = t.all;
  for (let i = 0; i < toks.length && i < 64; i++) {
    let acc = '';
    for (let j = i; j < toks.length && j < i + MAX_CONCAT; j++) {
      acc += toks[j]!;
      if (isReliableReference(acc)) out.add(`x:${acc}`);
    }
    for (const run of toks[i]!.match(/\d+/g) ?? []) out.add(`n:${run.replace(/^0+/, '')}`);
  }
  for (const n of t.invoices) out.add(`i:${n}`);
  t.offers = [...out];
  return t.offers;
}

/** Keys a line's reference asks for in the other line's offer. */
export function askKeys(l: V2Line, ctx: TextContext): readonly string[] {
  const t = textOf(l, ctx);
  if (t.asks !== undefined) return t.asks;
  const out: string[] = [];
  if (l.ref !== '') out.push(`x:${l.ref}`);
  const n = refNumberOf(l);
  if (n !== undefined) out.push(`n:${n}`);
  for (const i of t.invoices) out.push(`i:${i}`);
  t.asks = out;
  return out;
}

/** Lines by the keys they offer and ask for. */
export class KeyIndex {
  private readonly offers = new LinesByKey();
  private readonly asks = new LinesByKey();

  constructor(lines: readonly V2Line[], ctx: TextContext) {
    for (const l of lines) {
      for (const k of offerKeys(l, ctx)) this.offers.add(k, l);
      for (const k of askKeys(l, ctx)) this.asks.add(k, l);
    }
  }

  /** Lines that may share a reference with `t` (in no particular order, no duplicates). */
  candidates(t: V2Line, ctx: TextContext): V2Line[] {
    const seen = new Set<V2Line>();
    for (const k of askKeys(t, ctx)) this.offers.addTo(k, seen);
    for (const k of offerKeys(t, ctx)) this.asks.addTo(k, seen);
    return [...seen];
  }
}
