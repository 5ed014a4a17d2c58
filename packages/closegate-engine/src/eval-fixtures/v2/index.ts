import type { LabelledCase } from '../types.js';
import { Rng } from './rng.js';
import {
  ambiguousDuplicate,
  consecutiveInvoice,
  lookalikeAmount,
  missingRate,
  outOfWindow,
  sameAmountOtherParty,
  unbookedFee,
} from './scenarios-exception.js';
import { bankReturn, glReversal, lockbox, manyToMany, splitPayment } from './scenarios-group.js';
import {
  exactCheck,
  exactConsecutive,
  exactIndia,
  exactIntercompany,
  exactUsReceipt,
  fuzzyCard,
  fuzzyFx,
  fuzzyIntercompanyFx,
  fuzzyNamedPayer,
  fuzzyTds,
  fuzzyWireFee,
  fuzzyZengin,
  type Scenario,
} from './scenarios-match.js';
import { HELD_OUT, TUNING, type Style } from './styles.js';

/** How many cases of each scenario one set holds (about 170 per set). */
const PLAN: [string, Scenario, number][] = [
  ['exact-us', exactUsReceipt, 16],
  ['exact-india', exactIndia, 10],
  ['exact-consecutive', exactConsecutive, 8],
  ['exact-check', exactCheck, 7],
  ['exact-ic', exactIntercompany, 4],
  ['fuzzy-wire-fee', fuzzyWireFee, 9],
  ['fuzzy-card', fuzzyCard, 8],
  ['fuzzy-fx', fuzzyFx, 8],
  ['fuzzy-zengin', fuzzyZengin, 10],
  ['fuzzy-tds', fuzzyTds, 6],
  ['fuzzy-named-payer', fuzzyNamedPayer, 6],
  ['fuzzy-ic-fx', fuzzyIntercompanyFx, 4],
  ['split', splitPayment, 10],
  ['lockbox', lockbox, 8],
  ['gl-reversal', glReversal, 6],
  ['bank-return', bankReturn, 5],
  ['many-to-many', manyToMany, 5],
  ['x-other-party', sameAmountOtherParty, 9],
  ['x-consecutive', consecutiveInvoice, 9],
  ['x-out-of-window', outOfWindow, 6],
  ['x-ambiguous', ambiguousDuplicate, 6],
  ['x-fx-missing', missingRate, 4],
  ['x-lookalike', lookalikeAmount, 6],
  ['x-unbooked-fee', unbookedFee, 4],
];

function build(style: Style): LabelledCase[] {
  const r = new Rng(style.seed);
  const out: LabelledCase[] = [];
  for (const [name, scenario, n] of PLAN)
    for (let i = 0; i < n; i++) out.push(scenario(style, r, `${style.set}-${name}-${i}`));
  return out;
}

/** The tuning set: rules and defaults may be adjusted against it. */
export function tuningCases(): LabelledCase[] {
  return build(TUNING);
}

/**
 * The held-out set: other narrative formats, wordings, counterparties,
 * invoice formats, currencies and seed than the tuning set. Never used to
 * tune the rules: it is only scored.
 */
export function heldOutCases(): LabelledCase[] {
  return build(HELD_OUT);
}
