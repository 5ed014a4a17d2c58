import { absBig } from '../prepare.js';
import type { MatchingRule, ReferenceTest, Tolerance, VarianceReason } from '../rules.js';
import { digitsOf, scriptOf } from './normalize.js';
import { textOf, type TextContext, type V2Line } from './line.js';

/** Fewest digits a reference needs before `contained` or `last_digits` may rely on it. */
const MIN_REF_DIGITS = 3;
/** Longest narrative (tokens) a containment check walks. */
export const MAX_TOKENS = 64;

/** Percent as an exact fraction: "2.5" -> 25 / 1000. */
export interface Percent {
  num: bigint;
  den: bigint;
}

export function parsePercent(p: string): Percent {
  const [int, frac = ''] = p.split('.');
  return { num: BigInt(int! + frac), den: 100n * 10n ** BigInt(frac.length) };
}

/** Largest difference a tolerance allows for amounts of size `size` (minor units): the tighter of its limits. */
export function allowance(t: Tolerance, size: bigint): bigint {
  const { absolute, percent } = limitsOf(t);
  let limit = absolute;
  if (percent !== undefined) {
    const byPct = (size * percent.num) / percent.den;
    limit = limit === undefined || byPct < limit ? byPct : limit;
  }
  return limit ?? 0n;
}

interface Limits {
  absolute: bigint | undefined;
  percent: Percent | undefined;
}

const LIMITS = new WeakMap<Tolerance, Limits>();

/** A tolerance's limits as bigints, parsed once per tolerance: a tolerance rule asks per line and candidate. */
function limitsOf(t: Tolerance): Limits {
  let limits = LIMITS.get(t);
  if (limits === undefined) {
    limits = {
      absolute: t.absoluteMinor === undefined ? undefined : BigInt(t.absoluteMinor),
      percent: t.percent === undefined ? undefined : parsePercent(t.percent),
    };
    LIMITS.set(t, limits);
  }
  return limits;
}

/** The rule's tolerance for `currency` (equal amount: 0). */
export function toleranceFor(rule: MatchingRule, currency: string): Tolerance | undefined {
  if (rule.amount.test === 'equal') return undefined;
  return rule.amount.currencies?.[currency] ?? rule.amount.default;
}

/** Largest difference (minor units) `rule` accepts between amounts of size `size` in `currency`. */
export function maxDifference(rule: MatchingRule, currency: string, size: bigint): bigint {
  const t = toleranceFor(rule, currency);
  return t === undefined ? 0n : allowance(t, size);
}

/**
 * The variance reason for a difference `diff` (minor units, `a` minus `b`
 * in absolute terms) between two amounts of size `size`: the first allowance
 * of the rule that covers it. A fee or withholding tax only ever makes the
 * received (bank) amount smaller than the booked one; `crossCurrency` says
 * whether FX may explain it.
 */
export function varianceReason(
  rule: MatchingRule,
  diff: bigint,
  size: bigint,
  receivedSmaller: boolean,
  crossCurrency: boolean,
): VarianceReason | undefined {
  for (const v of rule.variance) {
    if ((v.reason === 'bank_fee' || v.reason === 'withholding_tax') && !receivedSmaller) continue;
    if (v.reason === 'fx' && !crossCurrency) continue;
    if (absBig(diff) <= allowance(v.tolerance, size)) return v.reason;
  }
  return undefined;
}

/** Reference tests of `rule` between two lines; true when any passes. */
export function referenceAgrees(
  a: V2Line,
  b: V2Line,
  tests: readonly ReferenceTest[],
  rule: MatchingRule,
  ctx: TextContext,
): boolean {
  for (const t of tests) {
    if (t === 'equal' && a.ref !== '' && a.ref === b.ref) return true;
    if (t === 'last_digits' && lastDigitsAgree(a.ref, b.ref, rule.text.lastDigits)) return true;
    if (t === 'contained' && (containedLine(a, b, ctx) || containedLine(b, a, ctx))) return true;
    if (t === 'invoice' && sharesInvoice(a, b, ctx)) return true;
  }
  return false;
}

/** Both lines carry invoice numbers and none is shared: they are about different invoices. */
export function invoicesConflict(a: V2Line, b: V2Line, ctx: TextContext): boolean {
  const ia = textOf(a, ctx).invoices;
  const ib = textOf(b, ctx).invoices;
  if (ia.length === 0 || ib.length === 0) return false;
  for (const x of ia) if (ib.includes(x)) return false;
  return true;
}

function sharesInvoice(a: V2Line, b: V2Line, ctx: TextContext): boolean {
  const ia = textOf(a, ctx).invoices;
  if (ia.length === 0) return false;
  const ib = textOf(b, ctx).invoices;
  for (const x of ia) if (ib.includes(x)) return true;
  return false;
}

/** The last `n` digits agree (shorter numbers read as left-padded with zeros); both need MIN_REF_DIGITS significant digits. */
export function lastDigitsAgree(refA: string, refB: string, n: number): boolean {
  const da = digitsOf(refA);
  const db = digitsOf(refB);
  if (da.replace(/^0+/, '').length < MIN_REF_DIGITS || db.replace(/^0+/, '').length < MIN_REF_DIGITS)
    return false;
  const pa = da.length >= n ? da.slice(-n) : da.padStart(n, '0');
  const pb = db.length >= n ? db.slice(-n) : db.padStart(n, '0');
  return pa === pb;
}

/**
 * `ref` (compact) appears in `other`'s narrative as one token or a run of
 * whole consecutive tokens ("inv1001" is in "paid inv 1001 thanks" but not in
 * "inv 10012"), or its document number (see numberOf) is one of the
 * narrative's digit runs: digits are compared whole, never by similarity.
 */
export function contained(ref: string, other: V2Line, ctx: TextContext): boolean {
  if (!isReliableReference(ref)) return false;
  return containedIn(ref, numberOf(ref), other, ctx);
}

/** contained(a.ref, other, ctx), with a's document number parsed once per line, not once per pair. */
export function containedLine(a: V2Line, other: V2Line, ctx: TextContext): boolean {
  const ref = a.ref;
  if (!isReliableReference(ref)) return false;
  return containedIn(ref, refNumberOf(a), other, ctx);
}

/** numberOf(l.ref), remembered on the line. */
export function refNumberOf(l: V2Line): string | undefined {
  let n = l.refNumber;
  if (n === undefined) l.refNumber = n = numberOf(l.ref) ?? null;
  return n ?? undefined;
}

function containedIn(ref: string, num: string | undefined, other: V2Line, ctx: TextContext): boolean {
  const t = textOf(other, ctx);
  const toks = t.all;
  // the narrative's digit runs are built once per line, not once per candidate pair
  if (num !== undefined && (t.numbers ??= numbersOf(toks)).includes(num)) return true;
  const n = Math.min(toks.length, MAX_TOKENS);
  const len = ref.length;
  // whole consecutive tokens spelling `ref`: compared in place, no concatenated strings
  for (let i = 0; i < n; i++) {
    let at = 0;
    for (let j = i; j < n; j++) {
      const tok = toks[j]!;
      if (at + tok.length > len || !ref.startsWith(tok, at)) break;
      at += tok.length;
      if (at === len) return true;
    }
  }
  return false;
}

/**
 * The document number of a reference: its longest digit run without leading
 * zeros, when that has 4+ digits and is not a year ("CHK no. 004512" -> "4512").
 */
export function numberOf(ref: string): string | undefined {
  let best = '';
  for (const run of ref.match(/\d+/g) ?? []) {
    const n = run.replace(/^0+/, '');
    if (n.length > best.length) best = n;
  }
  if (best.length < 4 || /^(19|20)\d\d$/.test(best)) return undefined;
  return best;
}

/** The digit runs of a line's narrative tokens (see numbersOf), built once per line. */
export function lineNumbers(l: V2Line, ctx: TextContext): readonly string[] {
  const t = textOf(l, ctx);
  return (t.numbers ??= numbersOf(t.all));
}

/** Every digit run of the tokens, leading zeros dropped ("inv10023" -> "10023"). */
function numbersOf(toks: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of toks) for (const run of t.match(/\d+/g) ?? []) out.push(run.replace(/^0+/, ''));
  return out;
}

/** Long enough to stand for one document: 4+ characters with a digit, or 4+ digits when only digits. */
export function isReliableReference(ref: string): boolean {
  if (ref.length < 4) return false;
  const d = countDigits(ref);
  return d === ref.length ? d >= 4 : d >= 1;
}

function countDigits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** `absent`: neither line names a counterparty; `unknown`: one does and the other does not mention it, or the scripts differ. */
export type PartyVerdict = 'agree' | 'disagree' | 'absent' | 'unknown';

/**
 * Counterparty agreement. Both names given: they agree when the shorter's
 * identifying words are all in the longer (legal forms ignored), disagree
 * otherwise, unless they are written in different scripts (romaji against
 * kana cannot be compared: unknown). One name given: it agrees when all its
 * words appear in the other line's narrative, else unknown.
 */
export function partyVerdict(a: V2Line, b: V2Line, ctx: TextContext): PartyVerdict {
  // neither names one: nothing to tokenize
  if (a.entry.counterparty === '' && b.entry.counterparty === '') return 'absent';
  const ta = textOf(a, ctx);
  const tb = textOf(b, ctx);
  if (ta.party.length > 0 && tb.party.length > 0) {
    if (subsetEither(ta.party, tb.party)) return 'agree';
    if (compactContains(ta.party, tb.party)) return 'agree';
    return sameScript(ta.party, tb.party) ? 'disagree' : 'unknown';
  }
  if (ta.party.length > 0) return inNarrative(ta.party, tb.all) ? 'agree' : 'unknown';
  if (tb.party.length > 0) return inNarrative(tb.party, ta.all) ? 'agree' : 'unknown';
  return 'absent';
}

function subsetEither(a: readonly string[], b: readonly string[]): boolean {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  for (const t of small) if (!large.includes(t)) return false;
  return true;
}

/** Names written without spaces on one side ("ヤマダシヨウジ" vs "ヤマダ シヨウジ"). */
function compactContains(a: readonly string[], b: readonly string[]): boolean {
  const ca = a.join('');
  const cb = b.join('');
  if (ca.length < 3 || cb.length < 3) return false;
  return ca.includes(cb) || cb.includes(ca);
}

/** The name's words are narrative words; a name in kana or han (written without spaces) may also be a substring. */
function inNarrative(party: readonly string[], narrative: readonly string[]): boolean {
  let found = 0;
  for (const t of party) if (narrative.includes(t)) found++;
  // every word, or the leading word and at least one more (banks abbreviate: "GRP", "PRT")
  if (found === party.length || (found >= 2 && narrative.includes(party[0]!))) return true;
  const name = party.join('');
  const script = scriptOf(name);
  if (name.length < 3 || script === 'latin' || script === 'digit') return false;
  return narrative.join('').includes(name);
}

function sameScript(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a.map(scriptOf).filter((s) => s !== 'digit'));
  for (const t of b) {
    const s = scriptOf(t);
    if (s !== 'digit' && sa.has(s)) return true;
  }
  return false;
}
