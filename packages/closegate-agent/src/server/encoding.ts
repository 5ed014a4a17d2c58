/**
 * HTTP content negotiation for the desk's static assets (RFC 9110 §12.5.3
 * Accept-Encoding, §13.1.2 If-None-Match). Pure functions, no I/O.
 */

export type ContentCoding = 'br' | 'gzip';
export type ChosenCoding = ContentCoding | 'identity';

/** The codings this server produces, in its order of preference on a tie. */
export const CODINGS: readonly ContentCoding[] = ['br', 'gzip'];

const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/** coding (lower case) -> qvalue; a malformed qvalue counts as 0 (never assume a client accepts). */
function parseAcceptEncoding(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [rawCoding, ...params] = part.split(';');
    const coding = rawCoding!.trim().toLowerCase();
    if (coding === '') continue;
    let q = 1;
    for (const p of params) {
      const [name, value] = p.split('=').map((s) => s.trim());
      if (name?.toLowerCase() === 'q') q = value !== undefined && QVALUE.test(value) ? Number(value) : 0;
    }
    weights.set(coding === 'x-gzip' ? 'gzip' : coding, q);
  }
  return weights;
}

/**
 * The coding to send, among `available` (the ones this asset has): the highest
 * qvalue above 0 wins, `*` stands for any coding the header does not name
 * (identity included), and a tie goes to the compressed coding (br before
 * gzip). No header, or no acceptable coding, means identity (also when the
 * client refused identity: the spec lets a server send it rather than an error).
 */
export function chooseCoding(
  acceptEncoding: string | undefined,
  available: readonly ContentCoding[],
): ChosenCoding {
  if (acceptEncoding === undefined || acceptEncoding.trim() === '') return 'identity';
  const weights = parseAcceptEncoding(acceptEncoding);
  const any = weights.get('*');
  const weight = (coding: string): number => weights.get(coding) ?? any ?? 0;
  // identity is acceptable unless refused by name or by `*;q=0` (RFC 9110 §12.5.3); when the
  // header does not weigh it, it is the fallback, not a rival of the codings it lists
  let best: ChosenCoding = 'identity';
  let bestQ = weights.get('identity') ?? any ?? 0;
  for (const coding of CODINGS) {
    if (!available.includes(coding)) continue;
    const q = weight(coding);
    if (q > 0 && (q > bestQ || (q === bestQ && best === 'identity'))) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/**
 * If-None-Match against the selected representation's entity tag: `*` or any
 * listed tag equal under the weak comparison (W/ ignored) means "not modified".
 */
export function noneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const mine = opaque(etag);
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || opaque(t) === mine);
}
