import { FixedRateAdapter } from 'closegate-policy';
import { runMatcher } from '../matcher/match.js';
import { FIXTURE_FX_RATES, MATCH_LABELS, type LabelledCase, type MatchLabel } from './types.js';

export type Predicted = MatchLabel | 'wrong_group';

export interface CaseOutcome {
  id: string;
  expected: MatchLabel;
  predicted: Predicted;
  correct: boolean;
}

export interface F1Report {
  cases: number;
  correct: number;
  macroF1: number;
  perClass: Record<MatchLabel, { precision: number; recall: number; f1: number; support: number }>;
  /** confusion[expected][predicted] */
  confusion: Record<MatchLabel, Record<Predicted, number>>;
  outcomes: CaseOutcome[];
}

/** Runs the matcher on one case's book and reads off what happened to the subject line. */
export function predictCase(c: LabelledCase): Predicted {
  const fx = new FixedRateAdapter(FIXTURE_FX_RATES, { environment: 'test' });
  const result = runMatcher(c.entries, fx, { intercompanyRules: c.intercompanyRules });
  const match = result.proposals.find((p) => p.entryIds.includes(c.subjectId));
  if (match === undefined) return 'exception';
  const same =
    match.entryIds.length === c.expectedGroup.length &&
    match.entryIds.every((id, k) => id === c.expectedGroup[k]);
  return c.label === 'exception' || same ? match.type : 'wrong_group';
}

/** Scores every case; macro-F1 over the four classes (a wrong grouping counts against the expected class). */
export function scoreCases(cases: readonly LabelledCase[]): F1Report {
  const predictedCols: Predicted[] = [...MATCH_LABELS, 'wrong_group'];
  const confusion = Object.fromEntries(
    MATCH_LABELS.map((l) => [l, Object.fromEntries(predictedCols.map((p) => [p, 0]))]),
  ) as F1Report['confusion'];
  const outcomes = cases.map((c) => {
    const predicted = predictCase(c);
    confusion[c.label][predicted]++;
    return { id: c.id, expected: c.label, predicted, correct: predicted === c.label };
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
  };
}
