import type { Entry, FxRecord, MatchType } from '../domain.js';
import type { MatchingRules } from './rules.js';

/** A configured intercompany pair: GL lines in `a` offset GL lines in `b` (amounts of opposite sign). */
export interface IntercompanyRule {
  name: string;
  a: { entity: string; accountCode: string };
  b: { entity: string; accountCode: string };
}

export interface MatcherConfig {
  /** Fuzzy and many-to-one matches look this many days either side of a line's posting date. */
  dateWindowDays: number;
  /**
   * Largest amount difference a fuzzy match accepts, in minor units of the
   * compared currency (the lines' own currency, or USD cents across currencies).
   */
  toleranceMinorUnits: number;
  /** Smallest combined score (0..1) a fuzzy pair needs. */
  minFuzzyScore: number;
  /** Smallest reference/description similarity (0..1) for a fuzzy pair whose amounts differ. */
  minTextSimilarity: number;
  /** Most lines on the "many" side of a many-to-one match. */
  maxGroupSize: number;
  /** Most candidates a many-to-one subset search looks at (bounds the search). */
  maxSubsetCandidates: number;
  intercompanyRules: readonly IntercompanyRule[];
  /** Matcher v2 rules (books.yaml `matching:`); DEFAULT_MATCHING_RULES when absent. */
  rules?: MatchingRules;
}

export const DEFAULT_MATCHER_CONFIG: MatcherConfig = {
  dateWindowDays: 3,
  toleranceMinorUnits: 100,
  minFuzzyScore: 0.6,
  minTextSimilarity: 0.5,
  maxGroupSize: 4,
  maxSubsetCandidates: 14,
  intercompanyRules: [],
};

/** A proposed match: which lines, what kind, and the evidence. */
export interface MatchProposal {
  type: MatchType;
  /** Line ids, ascending. */
  entryIds: number[];
  /** The "one" side (GL line of a pair, the single line of a many-to-one). */
  anchorId: number;
  /** 0..1, four decimals. */
  score: string;
  /** Absolute USD value of the anchor line (decimal string). */
  amountUsd: string;
  fx: FxRecord[];
  rationale: string;
  intercompany: boolean;
  /** Matcher v2: the rule that made the match. */
  rule?: string;
  /** Matcher v2: a difference the rule accepted, and why (bank fee, withholding tax, FX, rounding). */
  variance?: MatchVariance;
}

export interface MatchVariance {
  /** Absolute difference between the two sides, decimal string. */
  amount: string;
  currency: string;
  reason: 'bank_fee' | 'withholding_tax' | 'fx' | 'rounding';
}

/**
 * Why a line was left open. AMBIGUOUS: several lines qualify under one rule,
 * so none is auto-matched; the candidates are listed for a human.
 * FX_RATE_MISSING: no usable FX rate for the line's date (missing or stale).
 * COUNTERPARTY_MISMATCH / REFERENCE_MISMATCH: a line of the same amount is
 * in the window but names another counterparty or another invoice.
 */
export type ExceptionReason =
  | 'NO_COUNTERPART'
  | 'AMOUNT_MISMATCH'
  | 'DATE_OUT_OF_WINDOW'
  | 'NO_CANDIDATE'
  | 'AMBIGUOUS'
  | 'FX_RATE_MISSING'
  | 'COUNTERPARTY_MISMATCH'
  | 'REFERENCE_MISMATCH';

export interface MatcherException {
  entryId: number;
  reasonCode: ExceptionReason;
  detail: string;
  /** Closest candidate lines (for investigation), ascending id. */
  nearMissIds: number[];
}

export interface MatchResult {
  proposals: MatchProposal[];
  exceptions: MatcherException[];
  stats: {
    lines: number;
    exact: number;
    fuzzy: number;
    manyToOne: number;
    intercompany: number;
    exceptions: number;
  };
}

export type { Entry };
