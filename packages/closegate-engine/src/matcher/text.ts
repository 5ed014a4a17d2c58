/**
 * Text normalisation and similarity for references and descriptions.
 * Pure and bounded: strings are cut to MAX_LEN before any quadratic work.
 * Hot paths (called for every candidate pair) allocate nothing: word lists
 * are built once per line, the edit-distance rows are reused.
 */
const MAX_LEN = 48;

/** Printable ASCII only: NFKD leaves such strings unchanged, so it can be skipped. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

function decompose(s: string): string {
  return PLAIN_ASCII.test(s) ? s : s.normalize('NFKD');
}

/** Lower-case letters and digits only ("INV-00123 " -> "inv00123"). */
export function normalizeReference(s: string): string {
  return decompose(s)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, MAX_LEN);
}

/** Lower-case words of letters/digits, single-spaced. */
export function normalizeText(s: string): string {
  return decompose(s)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .slice(0, MAX_LEN * 2);
}

/**
 * The distinct words of a normalised text, as `textSimilarity` sees them
 * (split on single spaces; empty text has none).
 */
export function distinctWords(normalized: string): string[] {
  if (normalized.length === 0) return [];
  return [...new Set(normalized.split(' '))];
}

/** 1 - levenshtein / max length; 0 when either side is empty. */
export function referenceSimilarity(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  return 1 - levenshtein(a, b) / Math.max(a.length, b.length);
}

/**
 * Upper bound of `referenceSimilarity(a, b)` from the lengths alone (the
 * distance is at least the length difference): a cheap filter before the
 * quadratic distance.
 */
export function referenceSimilarityBound(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  return 1 - Math.abs(a.length - b.length) / Math.max(a.length, b.length);
}

/** Dice coefficient over word tokens; 0 when either side is empty. */
export function textSimilarity(a: string, b: string): number {
  if (a.length === 0 || b.length === 0) return 0;
  if (a === b) return 1;
  return wordSimilarity(distinctWords(a), distinctWords(b));
}

/** `textSimilarity` on word lists from `distinctWords` (no sets built per pair). */
export function wordSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let common = 0;
  for (const w of a) if (b.includes(w)) common++;
  return (2 * common) / (a.length + b.length);
}

let prevRow = new Int32Array(MAX_LEN + 1);
let curRow = new Int32Array(MAX_LEN + 1);

/**
 * Edit distance. A common prefix and suffix never change the distance, so
 * they are skipped before the dynamic programme (references such as "r1234"
 * and "r1235" differ in a character or two).
 */
function levenshtein(a: string, b: string): number {
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0) return m;
  if (m === 0) return n;
  if (prevRow.length < m + 1) {
    prevRow = new Int32Array(m + 1);
    curRow = new Int32Array(m + 1);
  }
  let prev = prevRow;
  let cur = curRow;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(start + i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ca === b.charCodeAt(start + j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    const done = prev;
    prev = cur;
    cur = done;
  }
  return prev[m]!;
}
