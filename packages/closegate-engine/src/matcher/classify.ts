import { type FxRateAdapter } from 'closegate-policy';
import type { Entry, FxRecord, MatchType } from '../domain.js';
import { absBig, centsToString, dayNumber, UsdConverter, toMinorUnits } from './prepare.js';
import { normalizeReference } from './text.js';
import { minorUnitsOf } from 'closegate-policy';

export interface ManualMatchFacts {
  type: MatchType;
  amountUsd: string;
  fx: FxRecord[];
  intercompany: boolean;
  /** USD difference between the GL side and the other side (0.00 when balanced). */
  differenceUsd: string;
}

/**
 * Classifies a match someone proposed by hand from its lines, so the caller
 * cannot label a fuzzy match "exact" to slip past no_auto_confirm: two lines
 * with the same currency, amount, date and reference are exact; more than two
 * lines are many-to-one; anything else is fuzzy.
 */
export function classifyManualMatch(entries: readonly Entry[], fx: FxRateAdapter): ManualMatchFacts {
  const usd = new UsdConverter(fx);
  const cents = entries.map((e) => usd.usdCents(e.amount, e.currency, e.postingDate));
  const intercompany = new Set(entries.map((e) => e.entity)).size > 1;
  let type: MatchType = entries.length > 2 ? 'many_to_one' : 'fuzzy';
  if (entries.length === 2) {
    const [a, b] = entries as [Entry, Entry];
    const sameAmount = intercompany
      ? toMinorUnits(a.amount, minorUnitsOf(a.currency)) === -toMinorUnits(b.amount, minorUnitsOf(b.currency))
      : a.amount === b.amount ||
        toMinorUnits(a.amount, minorUnitsOf(a.currency)) === toMinorUnits(b.amount, minorUnitsOf(b.currency));
    const ref = normalizeReference(a.reference);
    if (
      a.currency === b.currency &&
      sameAmount &&
      dayNumber(a.postingDate) === dayNumber(b.postingDate) &&
      ref !== '' &&
      ref === normalizeReference(b.reference)
    ) {
      type = 'exact';
    }
  }
  const fxRecords: FxRecord[] = [];
  for (const e of entries) {
    const r = usd.rateFor(e.currency, e.postingDate);
    if (r !== null && !fxRecords.some((x) => x.base === r.base && x.asOf === r.asOf)) fxRecords.push(r);
  }
  let glSide = 0n;
  let otherSide = 0n;
  entries.forEach((e, i) => {
    if (e.source === 'gl' && !(intercompany && e.entity !== entries[0]!.entity)) glSide += cents[i]!;
    else otherSide += cents[i]!;
  });
  const difference = intercompany ? glSide + otherSide : glSide - otherSide;
  const largest = cents.reduce((m, c) => (absBig(c) > m ? absBig(c) : m), 0n);
  return {
    type,
    amountUsd: centsToString(largest),
    fx: fxRecords,
    intercompany,
    differenceUsd: centsToString(difference),
  };
}

/**
 * The match's variance in USD (absolute): the GL side against the other side
 * (all lines summed when they sit on one side or across entities, where
 * offsets cancel), as the policy gate's variance rule reads it. Lines of one
 * currency that balance need no FX at all (the common case).
 */
export function matchVarianceUsd(entries: readonly Entry[], fx: FxRateAdapter): string {
  const intercompany = new Set(entries.map((e) => e.entity)).size > 1;
  const first = entries[0];
  if (first !== undefined && entries.every((e) => e.currency === first.currency)) {
    const digits = minorUnitsOf(first.currency);
    let gl = 0n;
    let other = 0n;
    for (const e of entries) {
      const v = toMinorUnits(e.amount, digits);
      if (e.source === 'gl' && !(intercompany && e.entity !== first.entity)) gl += v;
      else other += v;
    }
    if ((intercompany ? gl + other : gl - other) === 0n) return '0.00';
  }
  const d = classifyManualMatch(entries, fx).differenceUsd;
  return d.startsWith('-') ? d.slice(1) : d;
}
