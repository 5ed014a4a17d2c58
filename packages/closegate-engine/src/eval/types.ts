/**
 * Shapes shared by the eval harness, its report files and the SOC 2 monitor.
 * A dimension is one family of evidence (accuracy, policy, adversarial,
 * latency); each reports how many cases ran, how many passed, the threshold
 * it is judged against and a one-line headline.
 */
export const DIMENSIONS = ['accuracy', 'policy', 'adversarial', 'latency'] as const;
export type DimensionName = (typeof DIMENSIONS)[number];

/** The figure a dimension is judged on and the bound it must meet. */
export interface Threshold {
  /** e.g. "macro_f1", "pass_fraction", "worst_p95_ms". */
  metric: string;
  comparator: '>=' | '<=';
  value: number;
}

export type DimensionStatus = 'pass' | 'fail' | 'skipped';

/** One case of a dimension, as written to report.json. */
export interface CaseRecord {
  id: string;
  category: string;
  passed: boolean;
  /** What was observed (outcome, code, reason of a failure ...). */
  detail: string;
}

export interface DimensionResult {
  name: DimensionName;
  /** Deterministic dimensions gate the exit code and the SOC 2 monitor. */
  deterministic: boolean;
  status: DimensionStatus;
  cases: number;
  passed: number;
  /** Smallest case count the dimension must reach to count as evidence. */
  minCases: number;
  threshold: Threshold;
  /** The measured value of threshold.metric. */
  score: number;
  headline: string;
  durationMs: number;
  /** Dimension-specific figures (confusion matrix, percentiles, categories ...). */
  metrics: Record<string, unknown>;
  caseRecords: CaseRecord[];
  /** Sub-modes that did not run and why (e.g. the LLM-driven red team without ANTHROPIC_API_KEY). */
  skipped?: { mode: string; reason: string }[];
}

/** True when `score` meets the threshold. */
export function meetsThreshold(score: number, t: Threshold): boolean {
  return t.comparator === '>=' ? score >= t.value : score <= t.value;
}
