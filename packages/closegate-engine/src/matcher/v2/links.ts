import { textOf, type TextContext, type V2Line } from './line.js';
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
  private readonly byRef = new Map<string, V2Line[]>();
  private readonly byNumber = new Map<string, V2Line[]>();
  private readonly byToken = new Map<string, V2Line[]>();
  private readonly byRefNumber = new Map<string, V2Line[]>();
  private readonly byInvoice = new Map<string, V2Line[]>();
  private maxRef = 0;

  constructor(
    lines: readonly V2Line[],
    private readonly ctx: TextContext,
  ) {
    for (const l of lines) {
      const t = textOf(l, ctx);
      if (l.ref !== '') {
        push(this.byRef, l.ref, l);
        if (l.ref.length > this.maxRef) this.maxRef = l.ref.length;
        if (isReliableReference(l.ref)) {
          const n = refNumberOf(l);
          if (n !== undefined) push(this.byRefNumber, n, l);
        }
      }
      for (const n of new Set(lineNumbers(l, ctx))) push(this.byNumber, n, l);
      const toks = t.all;
      const end = Math.min(toks.length, MAX_TOKENS);
      const seen = new Set<string>();
      for (let i = 0; i < end; i++) {
        const tok = toks[i]!;
        if (seen.has(tok)) continue;
        seen.add(tok);
        push(this.byToken, tok, l);
      }
      for (const inv of t.invoices) push(this.byInvoice, inv, l);
    }
  }

  /** Every line that may pass a reference test with `t` (possibly more; each at most once, in no particular order). */
  candidates(t: V2Line): V2Line[] {
    const out = new Set<V2Line>();
    const add = (list: readonly V2Line[] | undefined): void => {
      if (list !== undefined) for (const l of list) out.add(l);
    };
    const ref = t.ref;
    if (ref !== '') add(this.byRef.get(ref));
    if (isReliableReference(ref)) {
      const n = refNumberOf(t);
      if (n !== undefined) add(this.byNumber.get(n));
      for (let len = 1; len <= ref.length; len++) add(this.byToken.get(ref.slice(0, len)));
    }
    const ctx = this.ctx;
    for (const n of lineNumbers(t, ctx)) add(this.byRefNumber.get(n));
    const text = textOf(t, ctx);
    const toks = text.all;
    const end = Math.min(toks.length, MAX_TOKENS);
    for (let i = 0; i < end; i++) {
      let acc = '';
      for (let j = i; j < end; j++) {
        acc += toks[j]!;
        if (acc.length > this.maxRef) break;
        add(this.byRef.get(acc));
      }
    }
    for (const inv of text.invoices) add(this.byInvoice.get(inv));
    return [...out];
  }
}

function push(m: Map<string, V2Line[]>, k: string, l: V2Line): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [l]);
  else list.push(l);
}
