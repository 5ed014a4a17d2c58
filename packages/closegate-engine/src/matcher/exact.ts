import type { Line } from './prepare.js';
import type { ProposalSink } from './proposal.js';

/**
 * Exact pass: same currency, same amount (negated for intercompany offsets),
 * same posting day and the same non-empty normalised reference. One hash
 * lookup per line.
 */
export function exactPass(
  left: readonly Line[],
  right: readonly Line[],
  sink: ProposalSink,
  negate: boolean,
): void {
  const byKey = new Map<string, Line[]>();
  for (const r of right) {
    if (r.taken || r.ref === '') continue;
    const k = key(r.currency, negate ? -r.minor : r.minor, r.day, r.ref);
    let list = byKey.get(k);
    if (list === undefined) byKey.set(k, (list = []));
    list.push(r);
  }
  for (const l of left) {
    if (l.taken || l.ref === '') continue;
    const list = byKey.get(key(l.currency, l.minor, l.day, l.ref));
    const hit = list?.find((r) => !r.taken);
    if (hit === undefined) continue;
    const why = negate ? 'intercompany offset: equal and opposite amount' : 'same amount';
    sink.emit('exact', l, [hit], 1, `${why}, currency, posting date and reference`, negate);
  }
}

function key(currency: string, minor: bigint, day: number, ref: string): string {
  return `${currency}|${minor}|${day}|${ref}`;
}
