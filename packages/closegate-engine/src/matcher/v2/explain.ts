import type { MatcherException } from '../config.js';
import type { MatchingRule } from '../rules.js';
import type { TextContext, V2Line } from './line.js';
import { KeyIndex } from './keys.js';
import { invoicesConflict, partyVerdict, referenceAgrees } from './tests.js';

const NEAR_LIMIT = 3;

/**
 * The reason each open line of `side` was left, judged against the other
 * side's still-open lines, so that the reason is true:
 * FX_RATE_MISSING (no usable rate), AMBIGUOUS (several candidates under a
 * rule: listed for a human), NO_COUNTERPART (the other side is empty),
 * AMOUNT_MISMATCH (a line with the same reference is in the window but its
 * amount is off beyond tolerance), COUNTERPARTY_MISMATCH / REFERENCE_MISMATCH
 * (a line of the same amount is in the window but names another party or
 * invoice), DATE_OUT_OF_WINDOW (the nearest line of the same amount is
 * outside every window, and none is inside), else NO_CANDIDATE.
 */
export function explainSide(
  side: readonly V2Line[],
  other: readonly V2Line[],
  rules: readonly MatchingRule[],
  text: TextContext,
  negate: boolean,
): MatcherException[] {
  const open = side.filter((l) => !l.taken);
  if (open.length === 0) return [];
  const otherOpen = other.filter((l) => !l.taken);
  const byAmount = new Map<string, V2Line[]>();
  for (const o of otherOpen) {
    const k = `${o.currency}|${negate ? -o.minor : o.minor}`;
    const b = byAmount.get(k);
    if (b === undefined) byAmount.set(k, [o]);
    else b.push(o);
  }
  const keyed = new KeyIndex(otherOpen, text);
  const maxCal = Math.max(0, ...rules.filter((r) => r.date.unit === 'calendar').map((r) => r.date.days));
  const maxBiz = Math.max(0, ...rules.filter((r) => r.date.unit === 'business').map((r) => r.date.days));
  const inAnyWindow = (a: V2Line, b: V2Line): boolean =>
    Math.abs(a.day - b.day) <= maxCal || Math.abs(a.bday - b.bday) <= maxBiz;
  const strongest = rules[0]!;
  return open.map((l): MatcherException => {
    if (l.fxError !== undefined)
      return {
        entryId: l.id,
        reasonCode: 'FX_RATE_MISSING',
        detail: `no usable ${l.currency}/USD rate for ${l.entry.postingDate} (${l.fxError}); import the rate and run again`,
        nearMissIds: [],
      };
    if (l.held)
      return {
        entryId: l.id,
        reasonCode: 'AMBIGUOUS',
        detail: `several lines qualify under rule ${l.held.rule}: not auto-matched; a human picks the right one (candidates listed)`,
        nearMissIds: l.held.with,
      };
    if (other.length === 0)
      return {
        entryId: l.id,
        reasonCode: 'NO_COUNTERPART',
        detail: 'no line on the other side of this account',
        nearMissIds: [],
      };
    // lines that may share a reference, looked up by key (not every line of the window)
    const linked = keyed
      .candidates(l, text)
      .filter(
        (o) =>
          o.currency === l.currency &&
          inAnyWindow(l, o) &&
          referenceAgrees(l, o, ['equal', 'contained', 'invoice'], strongest, text),
      );
    if (linked.length > 0)
      return {
        entryId: l.id,
        reasonCode: 'AMOUNT_MISMATCH',
        detail:
          'a line with the same reference is in the date window but its amount differs beyond tolerance',
        nearMissIds: ids(linked),
      };
    const same = byAmount.get(`${l.currency}|${l.minor}`) ?? [];
    const sameInWindow = same.filter((o) => inAnyWindow(l, o));
    if (sameInWindow.length > 0) {
      const verdicts = sameInWindow.map((o) => partyVerdict(l, o, text));
      if (verdicts.every((v) => v === 'disagree'))
        return {
          entryId: l.id,
          reasonCode: 'COUNTERPARTY_MISMATCH',
          detail: 'a line of the same amount is in the date window but names another counterparty',
          nearMissIds: ids(sameInWindow),
        };
      const refs = sameInWindow.filter((o) => invoicesConflict(l, o, text));
      if (refs.length > 0)
        return {
          entryId: l.id,
          reasonCode: 'REFERENCE_MISMATCH',
          detail:
            'a line of the same amount is in the date window but refers to another invoice or reference',
          nearMissIds: ids(refs),
        };
      if (verdicts.every((v) => v === 'disagree' || v === 'unknown'))
        return {
          entryId: l.id,
          reasonCode: 'COUNTERPARTY_MISMATCH',
          detail:
            'a line of the same amount is in the date window but its counterparty differs or cannot be confirmed from the narrative',
          nearMissIds: ids(sameInWindow),
        };
      return {
        entryId: l.id,
        reasonCode: 'NO_CANDIDATE',
        detail:
          'a line of the same amount is in the date window but no rule links the two (reference, counterparty)',
        nearMissIds: ids(sameInWindow),
      };
    }
    if (same.length > 0) {
      const nearest = [...same].sort(
        (a, b) => Math.abs(a.day - l.day) - Math.abs(b.day - l.day) || a.id - b.id,
      )[0]!;
      return {
        entryId: l.id,
        reasonCode: 'DATE_OUT_OF_WINDOW',
        detail: `the nearest line with the same amount is dated ${nearest.entry.postingDate}, outside every rule's date window`,
        nearMissIds: [nearest.id],
      };
    }
    return { entryId: l.id, reasonCode: 'NO_CANDIDATE', detail: 'no candidate line found', nearMissIds: [] };
  });
}

function ids(lines: readonly V2Line[]): number[] {
  return lines
    .map((l) => l.id)
    .sort((a, b) => a - b)
    .slice(0, NEAR_LIMIT);
}
