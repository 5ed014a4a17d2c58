import { textOf, type TextContext, type V2Line } from './line.js';
import { LinesByKeyInDays } from './linesByKeyInDays.js';
import { isReliableReference, lineNumbers, MAX_TOKENS, refNumberOf } from './tests.js';

/**
 * Lines that may share a reference with a target under the tests `equal`,
 * `contained` and `invoice` (see tests.referenceAgrees), looked up instead of
 * tested pair by pair. Unlike KeyIndex it misses none: every line for which
 * referenceAgrees(t, p, ['equal', 'contained', 'invoice']) holds is among
 * candidates(t), whatever the length of the token run a reference is spelled
 * in. A superset: the caller still runs the full test on each.
 *
 *   equal               p.ref === t.ref                        byRef[t.ref]
 *   contained(t.ref, p) t's document number is a digit run of p byNumber[number of t.ref]
 *                       or tokens i..j of p spell t.ref         byToken[token i of p], token i a prefix of t.ref
 *   contained(p.ref, t) p's document number is a digit run of t byRefNumber[each digit run of t]
 *                       or tokens i..j of t spell p.ref         byRef[each run of t's tokens no longer than any p.ref]
 *   invoice             a shared invoice number                 byInvoice[each invoice of t]
 */
export class LinkIndex {
  private readonly byRef = new LinesByKeyInDays();
  private readonly byNumber = new LinesByKeyInDays();
  private readonly byToken = new LinesByKeyInDays();
  private readonly byRefNumber = new LinesByKeyInDays();
  private readonly byInvoice = new LinesByKeyInDays();
  private maxRef = 0;

  constructor(
    lines: readonly V2Line[],
    private readonly ctx: TextContext,
  ) {
    for (const l of lines) {
      const t = textOf(l, ctx);
      if (l.ref !== '') {
        this.byRef.add(l.ref, l);
        if (l.ref.length > this.maxRef) this.maxRef = l.ref.length;
        if (isReliableReference(l.ref)) {
          const n = refNumberOf(l);
          if (n !== undefined) this.byRefNumber.add(n, l);
        }
      }
      for (const n of new Set(lineNumbers(l, ctx))) this.byNumber.add(n, l);
      const toks = t.all;
      const end = Math.min(toks.length, MAX_TOKENS);
      const seen = new Set<string>();
      for (let i = 0; i < end; i++) {
        const tok = toks[i]!;
        if (seen.has(tok)) continue;
        seen.add(tok);
        this.byToken.add(tok, l);
      }
      for (const inv of t.invoices) this.byInvoice.add(inv, l);
    }
  }

  /**
   * Every line dated within [fromDay, toDay] that may pass a reference test with `t`
   * (possibly more; each at most once, in no particular order).
   */
  candidates(t: V2Line, fromDay = -Infinity, toDay = Infinity): V2Line[] {
    const out = new Set<V2Line>();
    const ref = t.ref;
    if (ref !== '') this.byRef.addTo(ref, out, fromDay, toDay);
    if (isReliableReference(ref)) {
      const n = refNumberOf(t);
      if (n !== undefined) this.byNumber.addTo(n, out, fromDay, toDay);
      for (let len = 1; len <= ref.length; len++) this.byToken.addTo(ref.slice(0, len), out, fromDay, toDay);
    }
    const ctx = this.ctx;
    for (const n of lineNumbers(t, ctx)) this.byRefNumber.addTo(n, out, fromDay, toDay);
    const text = textOf(t, ctx);
    const toks = text.all;
    const end = Math.min(toks.length, MAX_TOKENS);
    for (let i = 0; i < end; i++) {
      let acc = '';
      for (let j = i; j < end; j++) {
        acc += toks[j]!;
        if (acc.length > this.maxRef) break;
        this.byRef.addTo(acc, out, fromDay, toDay);
      }
    }
    for (const inv of text.invoices) this.byInvoice.addTo(inv, out, fromDay, toDay);
    return [...out];
  }
}
