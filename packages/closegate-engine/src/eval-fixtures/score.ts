import { FixedRateAdapter } from 'closegate-policy';
import type { MatchProposal, MatchResult } from '../matcher/config.js';
import { runMatcher } from '../matcher/match.js';
import { FIXTURE_FX_RATES, MATCH_LABELS, type LabelledCase, type MatchLabel } from './types.js';

export type Predicted = MatchLabel | 'wrong_group';

export interface CaseOutcome {
  id: string;
  expected: MatchLabel;
  predicted: Predicted;
  correct: boolean;
  /** The subject's exception reason, when it ended as an exception. */
  reason?: string;
}

/** A proposed pair of lines that are not in one true match. */
export interface FalseMatch {
  caseId: string;
  entryIds: number[];
  type: string;
  rule: string | undefined;
  rationale: string;
}

export interface F1Report {
  cases: number;
  correct: number;
  macroF1: number;
  perClass: Record<MatchLabel, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[expected][predicted] */
  confusion: Record<MatchLabel, Record<Predicted, number>>;
  outcomes: CaseOutcome[];
  /**
   * Pair precision: every pair of lines inside a proposed match is a proposed
   * pair; it is wrong when the two lines are not in one true match.
   * precision = 1 - wrong / proposed (1 when nothing was proposed).
   */
  pairs: { proposed: number; wrong: number; precision: number; falseMatches: FalseMatch[] };
  /** Exception cases whose expected reason the matcher gave. */
  reasons: { checked: number; agreed: number; mismatches: { id: string; expected: string; got: string }[] };
}

/** Runs the matcher on one case's book (its own daily rates, else the fixed fixture rates). */
export function runCase(c: LabelledCase): MatchResult {
  const fx = new FixedRateAdapter(c.fxRates ?? FIXTURE_FX_RATES, { environment: 'test' });
  return runMatcher(c.entries, fx, { intercompanyRules: c.intercompanyRules });
}

/** What happened to the subject line. */
export function predictOf(c: LabelledCase, result: MatchResult): Predicted {
  const match = result.proposals.find((p) => p.entryIds.includes(c.subjectId));
  if (match === undefined) return 'exception';
  const same =
    match.entryIds.length === c.expectedGroup.length &&
    match.entryIds.every((id, k) => id === c.expectedGroup[k]);
  return c.label === 'exception' || same ? match.type : 'wrong_group';
}

export function predictCase(c: LabelledCase): Predicted {
  return predictOf(c, runCase(c));
}

/** Proposed pairs of one case and the wrong ones (truth: the case's truth groups, else its expected group). */
function pairsOf(
  c: LabelledCase,
  proposals: readonly MatchProposal[],
): { proposed: number; wrong: FalseMatch[] } {
  const truth = c.truthGroups ?? (c.expectedGroup.length > 0 ? [c.expectedGroup] : []);
  const groupOf = new Map<number, number>();
  truth.forEach((g, k) => g.forEach((id) => groupOf.set(id, k)));
  let proposed = 0;
  const wrong: FalseMatch[] = [];
  // without full truth (legacy cases) only the subject's match can be judged
  const judged = c.truthGroups ? proposals : proposals.filter((p) => p.entryIds.includes(c.subjectId));
  for (const p of judged) {
    let bad = false;
    for (let i = 0; i < p.entryIds.length; i++)
      for (let j = i + 1; j < p.entryIds.length; j++) {
        proposed++;
        const a = groupOf.get(p.entryIds[i]!);
        if (a === undefined || a !== groupOf.get(p.entryIds[j]!)) bad = true;
      }
    if (bad)
      wrong.push({ caseId: c.id, entryIds: p.entryIds, type: p.type, rule: p.rule, rationale: p.rationale });
  }
  return { proposed, wrong };
}

/** Wrong pairs inside one proposal (each unordered pair across two true groups, or with an unmatched line). */
function wrongPairCount(c: LabelledCase, f: FalseMatch): number {
  const truth = c.truthGroups ?? [c.expectedGroup];
  const groupOf = new Map<number, number>();
  truth.forEach((g, k) => g.forEach((id) => groupOf.set(id, k)));
  let n = 0;
  for (let i = 0; i < f.entryIds.length; i++)
    for (let j = i + 1; j < f.entryIds.length; j++) {
      const a = groupOf.get(f.entryIds[i]!);
      if (a === undefined || a !== groupOf.get(f.entryIds[j]!)) n++;
    }
  return n;
}

/** Scores every case; macro-F1 over the four classes (a wrong grouping counts against the expected class). */
export function scoreCases(cases: readonly LabelledCase[]): F1Report {
  const predictedCols: Predicted[] = [...MATCH_LABELS, 'wrong_group'];
  const confusion = Object.fromEntries(
    MATCH_LABELS.map((l) => [l, Object.fromEntries(predictedCols.map((p) => [p, 0]))]),
  ) as F1Report['confusion'];
  let proposedPairs = 0;
  let wrongPairs = 0;
  const falseMatches: FalseMatch[] = [];
  const reasons: F1Report['reasons'] = { checked: 0, agreed: 0, mismatches: [] };
  const outcomes = cases.map((c) => {
    const result = runCase(c);
    const predicted = predictOf(c, result);
    confusion[c.label][predicted]++;
    const pairs = pairsOf(c, result.proposals);
    proposedPairs += pairs.proposed;
    for (const f of pairs.wrong) {
      wrongPairs += wrongPairCount(c, f);
      falseMatches.push(f);
    }
    const outcome: CaseOutcome = { id: c.id, expected: c.label, predicted, correct: predicted === c.label };
    const x = result.exceptions.find((e) => e.entryId === c.subjectId);
    if (x !== undefined) outcome.reason = x.reasonCode;
    if (c.expectedReason !== undefined && predicted === 'exception') {
      reasons.checked++;
      if (x?.reasonCode === c.expectedReason) reasons.agreed++;
      else reasons.mismatches.push({ id: c.id, expected: c.expectedReason, got: x?.reasonCode ?? 'none' });
    }
    return outcome;
  });
  const perClass = {} as F1Report['perClass'];
  for (const label of MATCH_LABELS) {
    const tp = confusion[label][label];
    const support = Object.values(confusion[label]).reduce((s, v) => s + v, 0);
    const predictedAs = MATCH_LABELS.reduce((s, e) => s + confusion[e][label], 0);
    const precision = predictedAs === 0 ? 0 : tp / predictedAs;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[label] = { precision, recall, f1, support };
  }
  const macroF1 = MATCH_LABELS.reduce((s, l) => s + perClass[l].f1, 0) / MATCH_LABELS.length;
  return {
    cases: cases.length,
    correct: outcomes.filter((o) => o.correct).length,
    macroF1,
    perClass,
    confusion,
    outcomes,
    pairs: {
      proposed: proposedPairs,
      wrong: wrongPairs,
      precision: proposedPairs === 0 ? 1 : 1 - wrongPairs / proposedPairs,
      falseMatches,
    },
    reasons,
  };
}
