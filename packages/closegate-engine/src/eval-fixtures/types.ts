import type { DatedRate } from 'closegate-policy';
import type { Entry } from '../domain.js';
import type { IntercompanyRule } from '../matcher/config.js';

export type MatchLabel = 'exact' | 'fuzzy' | 'many_to_one' | 'exception';
export const MATCH_LABELS: readonly MatchLabel[] = ['exact', 'fuzzy', 'many_to_one', 'exception'];

/**
 * One labelled matcher case: a small book, the line whose outcome is judged
 * (`subjectId`) and the expected outcome: its class and, unless it is an
 * exception, exactly which lines the match must hold.
 */
export interface LabelledCase {
  id: string;
  label: MatchLabel;
  /** e.g. multi-currency, date-drift, close-window, typo, split, intercompany, distractor */
  tags: string[];
  entries: Entry[];
  subjectId: number;
  expectedGroup: number[];
  intercompanyRules: IntercompanyRule[];
  /** Which set the case belongs to: tuning (rules may be tuned on it), held-out (never), legacy (v1's fixtures). */
  set?: 'tuning' | 'held-out' | 'legacy';
  /** Every true match of the book (line ids); any proposed pair outside them is a wrong pair. */
  truthGroups?: number[][];
  /** Daily FX rates of the case (else FIXTURE_FX_RATES). */
  fxRates?: DatedRate[];
  /** For an exception: the reason the matcher should give. */
  expectedReason?: string;
}

/** FX rates the fixtures assume (fixed, like the demo). */
export const FIXTURE_FX_RATES: readonly DatedRate[] = [
  { base: 'JPY', quote: 'USD', rate: '0.0065', asOf: '2026-01-01' },
  { base: 'INR', quote: 'USD', rate: '0.012', asOf: '2026-01-01' },
  { base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2026-01-01' },
];
