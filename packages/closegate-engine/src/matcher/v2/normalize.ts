/**
 * Text normalization for matcher v2. Unicode NFKC (half-width katakana to
 * full-width, full-width digits and letters to ASCII), case folding, small
 * kana folded to their full-size forms (bank kana writes ｼﾖｳｼﾞ for ショウジ),
 * bank boilerplate stripped. Letters and digits of every script are kept:
 * nothing non-Latin is lost. Digits are never compared fuzzily.
 */

/** Printable ASCII needs no NFKC. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const SMALL_KANA: Record<string, string> = {
  ァ: 'ア',
  ィ: 'イ',
  ゥ: 'ウ',
  ェ: 'エ',
  ォ: 'オ',
  ッ: 'ツ',
  ャ: 'ヤ',
  ュ: 'ユ',
  ョ: 'ヨ',
  ヮ: 'ワ',
  ぁ: 'あ',
  ぃ: 'い',
  ぅ: 'う',
  ぇ: 'え',
  ぉ: 'お',
  っ: 'つ',
  ゃ: 'や',
  ゅ: 'ゆ',
  ょ: 'よ',
};
const SMALL_KANA_RE = /[ァィゥェォッャュョヮぁぃぅぇぉっゃゅょ]/g;
const MAX_TEXT = 256;

/** NFKC + case fold + small kana folded; ASCII takes a fast path. */
export function fold(s: string): string {
  const cut = s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s;
  if (PLAIN_ASCII.test(cut)) return cut.toLowerCase();
  return cut
    .normalize('NFKC')
    .toLowerCase()
    .replace(SMALL_KANA_RE, (c) => SMALL_KANA[c]!);
}

const NON_WORD = /[^\p{L}\p{N}]+/u;
const NON_WORD_ASCII = /[^a-z0-9]+/;

/** Word tokens (letters/digits of any script) of folded text. */
export function tokens(folded: string): string[] {
  const parts = folded.split(PLAIN_ASCII.test(folded) ? NON_WORD_ASCII : NON_WORD);
  const out: string[] = [];
  for (const p of parts) if (p.length > 0) out.push(p);
  return out;
}

/**
 * Bank boilerplate: payment-rail words and labels that say how money moved,
 * not who paid or for what. SEC codes (PPD, CCD, WEB, CTX, TEL), rails (ACH,
 * NEFT, RTGS, IMPS, UPI, SEPA, SWIFT), labels (ORIG CO NAME, IND ID, TRN,
 * UTR, REF), Zengin transfer words (FURIKOMI, 振込, フリコミ).
 */
export const BOILERPLATE = new Set([
  'ach',
  'ppd',
  'ccd',
  'web',
  'ctx',
  'tel',
  'iat',
  'sec',
  'neft',
  'rtgs',
  'imps',
  'upi',
  'utr',
  'p2a',
  'p2m',
  'sepa',
  'sct',
  'swift',
  'wire',
  'fedwire',
  'chips',
  'credit',
  'debit',
  'cr',
  'dr',
  'trf',
  'transfer',
  'orig',
  'co',
  'name',
  'id',
  'ind',
  'des',
  'descr',
  'entry',
  'eff',
  'date',
  'trn',
  'ref',
  'reference',
  'no',
  'nr',
  'txn',
  'furikomi',
  'furikomisaki',
  '振込',
  '振込み',
  '振替',
  'フリコミ',
  'フリカエ',
  'deposit',
  'dep',
  'payment',
  'pymt',
  'pmt',
  'received',
  'rcvd',
  'from',
  'to',
  'by',
  'for',
  'the',
  'via',
  'inward',
  'outward',
  'remittance',
  'rmt',
  'end',
  'e2e',
  'endtoend',
  'remi',
  'ustrd',
]);

/** Legal-form words that say nothing about which company it is. */
const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'ltd',
  'limited',
  'llc',
  'llp',
  'lp',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'kk',
  'pvt',
  'private',
  'pte',
  'pty',
  'the',
  'and',
  'of',
  'カ',
  'ユ',
  '株式会社',
  '有限会社',
  '株',
  '有',
]);

/** Tokens with boilerplate (default and `extra`) removed. */
export function stripBoilerplate(toks: readonly string[], extra: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const t of toks) if (!BOILERPLATE.has(t) && !extra.has(t)) out.push(t);
  return out;
}

/** A reference as one compact string: folded, letters and digits only ("INV-00123 " -> "inv00123"). */
export function compactReference(s: string): string {
  return tokens(fold(s)).join('');
}

/** The digits of a string, in order ("INV-00123/A7" -> "001237"). */
export function digitsOf(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) out += s[i];
  }
  return out;
}

const NO_WORDS: ReadonlySet<string> = new Set();

/** Japanese legal forms written inside a name (株式会社, (株), 有限会社; ㈱ is (株) after NFKC). */
const CJK_LEGAL_FORMS = /株式会社|有限会社|合同会社|\(株\)|\(有\)/g;

/** Company-identifying tokens of a counterparty name (legal forms and boilerplate, built-in and `extra`, dropped). */
export function nameTokens(name: string, extra: ReadonlySet<string> = NO_WORDS): string[] {
  const out: string[] = [];
  for (const t of tokens(fold(name).replace(CJK_LEGAL_FORMS, ' '))) {
    if (LEGAL_FORMS.has(t) || BOILERPLATE.has(t) || extra.has(t)) continue;
    out.push(t);
  }
  return out;
}

/** Latin, kana, han, other: two names in different scripts cannot be compared, only not contradicted. */
export function scriptOf(token: string): 'latin' | 'kana' | 'han' | 'digit' | 'other' {
  const c = token.codePointAt(0)!;
  if ((c >= 0x30 && c <= 0x39) || c < 0x80) return c >= 0x30 && c <= 0x39 ? 'digit' : 'latin';
  if (c >= 0x3040 && c <= 0x30ff) return 'kana';
  if (c >= 0x4e00 && c <= 0x9fff) return 'han';
  if (c <= 0x24f) return 'latin';
  return 'other';
}
