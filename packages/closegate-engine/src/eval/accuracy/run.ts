import { labelledCases, scoreCases, type LabelledCase } from '../../eval-fixtures/index.js';
import { round4 } from '../stats.js';
import { meetsThreshold, type DimensionResult, type Threshold } from '../types.js';

export const ACCURACY_THRESHOLD: Threshold = { metric: 'macro_f1', comparator: '>=', value: 0.95 };
export const ACCURACY_MIN_CASES = 120;

/** Scenario tags the fixture set must cover (issue 7): each needs at least one case. */
export const REQUIRED_TAGS = [
  'multi-currency',
  'date-drift',
  'close-window',
  'typo',
  'split',
  'intercompany',
] as const;

/**
 * Accuracy: the matcher on the labelled fixtures (exact, fuzzy, many-to-one,
 * exception). A case passes when the subject line ends in the expected class
 * and, for a match, in exactly the expected group of lines. Judged on macro-F1.
 */
export function runAccuracy(cases: readonly LabelledCase[] = labelledCases()): DimensionResult {
  const started = performance.now();
  const report = scoreCases(cases);
  const tagCounts: Record<string, number> = {};
  for (const c of cases) for (const t of c.tags) tagCounts[t] = (tagCounts[t] ?? 0) + 1;
  const missingTags = REQUIRED_TAGS.filter((t) => (tagCounts[t] ?? 0) === 0);
  const classCounts: Record<string, number> = {};
  for (const c of cases) classCounts[c.label] = (classCounts[c.label] ?? 0) + 1;
  const score = round4(report.macroF1);
  const ok =
    meetsThreshold(score, ACCURACY_THRESHOLD) &&
    cases.length >= ACCURACY_MIN_CASES &&
    missingTags.length === 0;
  const perClass = Object.fromEntries(
    Object.entries(report.perClass).map(([k, v]) => [
      k,
      { precision: round4(v.precision), recall: round4(v.recall), f1: round4(v.f1), support: v.support },
    ]),
  );
  const byTag = Object.fromEntries(
    Object.keys(tagCounts)
      .sort()
      .map((t) => {
        const inTag = report.outcomes.filter((o, i) => cases[i]!.tags.includes(t));
        return [t, { cases: inTag.length, correct: inTag.filter((o) => o.correct).length }];
      }),
  );
  return {
    name: 'accuracy',
    deterministic: true,
    status: ok ? 'pass' : 'fail',
    cases: report.cases,
    passed: report.correct,
    minCases: ACCURACY_MIN_CASES,
    threshold: ACCURACY_THRESHOLD,
    score,
    headline:
      `matcher macro-F1 ${score.toFixed(4)} on ${report.cases} labelled cases ` +
      `(${report.correct} correct; ${Object.entries(classCounts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')})` +
      (missingTags.length > 0 ? `; missing scenario tags: ${missingTags.join(', ')}` : ''),
    durationMs: performance.now() - started,
    metrics: {
      macroF1: score,
      perClass,
      confusion: report.confusion,
      classCounts,
      tagCounts,
      byTag,
      missingTags,
    },
    caseRecords: report.outcomes.map((o, i) => ({
      id: o.id,
      category: o.expected,
      passed: o.correct,
      detail: `expected ${o.expected}, predicted ${o.predicted} [${cases[i]!.tags.join(', ')}]`,
    })),
  };
}
