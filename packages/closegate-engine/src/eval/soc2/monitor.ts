import { DIMENSIONS, meetsThreshold, type DimensionName } from '../types.js';
import { summarySchema, type SummaryDimension } from '../report/summary.js';
import { MONITORED } from './expectations.js';

export interface MonitorRow {
  dimension: DimensionName;
  status: 'pass' | 'fail';
  headline: string;
  thresholdMet: boolean;
  threshold: string;
  score: number | null;
  cases: number | null;
  passed: number | null;
  problems: string[];
}

/** The monitoring record (one per eval run judged). */
export interface MonitorReport {
  schema: 'closegate-soc2-monitor/1';
  generated_at: string;
  eval_run_id: string | null;
  eval_generated_at: string | null;
  policy_version: string | null;
  status: 'pass' | 'fail';
  rows: MonitorRow[];
  problems: string[];
}

const FRACTION_EPSILON = 1e-4;

function judgeRow(name: DimensionName, d: SummaryDimension | undefined): MonitorRow {
  const expected = MONITORED[name];
  const t = expected.threshold;
  const thresholdText = `${t.metric} ${t.comparator} ${t.value}, cases >= ${expected.minCases}`;
  if (d === undefined) {
    return {
      dimension: name,
      status: 'fail',
      headline: '(missing from the summary)',
      thresholdMet: false,
      threshold: thresholdText,
      score: null,
      cases: null,
      passed: null,
      problems: ['dimension missing from the summary'],
    };
  }
  const problems: string[] = [];
  if (!d.deterministic) problems.push('marked non-deterministic');
  if (d.status !== 'pass') problems.push(`eval status ${d.status}`);
  if (d.threshold.metric !== t.metric) problems.push(`judged on ${d.threshold.metric}, expected ${t.metric}`);
  if (d.threshold.comparator !== t.comparator || d.threshold.value !== t.value)
    problems.push(
      `threshold in the summary (${d.threshold.comparator} ${d.threshold.value}) differs from the control (${t.comparator} ${t.value})`,
    );
  if (d.cases < expected.minCases) problems.push(`${d.cases} cases, at least ${expected.minCases} required`);
  if (d.passed > d.cases) problems.push(`passed (${d.passed}) exceeds cases (${d.cases})`);
  const fraction = d.cases === 0 ? 0 : d.passed / d.cases;
  if (Math.abs(fraction - d.passFraction) > FRACTION_EPSILON)
    problems.push(`passFraction ${d.passFraction} is inconsistent with ${d.passed}/${d.cases}`);
  if (t.metric === 'pass_fraction' && Math.abs(d.score - fraction) > FRACTION_EPSILON)
    problems.push(`score ${d.score} is inconsistent with ${d.passed}/${d.cases}`);
  const thresholdMet = meetsThreshold(d.score, t);
  if (!thresholdMet) problems.push(`${t.metric} ${d.score} does not meet ${t.comparator} ${t.value}`);
  return {
    dimension: name,
    status: problems.length === 0 ? 'pass' : 'fail',
    headline: d.headline,
    thresholdMet,
    threshold: thresholdText,
    score: d.score,
    cases: d.cases,
    passed: d.passed,
    problems,
  };
}

/**
 * Judges an eval summary: every deterministic dimension must be present,
 * internally consistent (counts, fraction, score), at or above the monitor's
 * own case minimum and threshold, and marked passing. Pure: `raw` is the
 * parsed summary.json, `now` the monitoring time.
 */
export function judgeSummary(raw: unknown, now: Date): MonitorReport {
  const parsed = summarySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const problem = `summary does not match ${'closegate-eval-summary/1'}: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
    return {
      schema: 'closegate-soc2-monitor/1',
      generated_at: now.toISOString(),
      eval_run_id:
        typeof (raw as { runId?: unknown })?.runId === 'string' ? (raw as { runId: string }).runId : null,
      eval_generated_at: null,
      policy_version: null,
      status: 'fail',
      rows: DIMENSIONS.map((name) => judgeRow(name, undefined)),
      problems: [problem],
    };
  }
  const s = parsed.data;
  const problems: string[] = [];
  const names = s.dimensions.map((d) => d.name);
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  if (dupes.length > 0) problems.push(`dimension listed twice: ${[...new Set(dupes)].join(', ')}`);
  const rows = DIMENSIONS.map((name) =>
    judgeRow(
      name,
      s.dimensions.find((d) => d.name === name),
    ),
  );
  if (s.overall !== 'pass') problems.push(`eval overall status ${s.overall}`);
  const failed = rows.some((r) => r.status === 'fail');
  return {
    schema: 'closegate-soc2-monitor/1',
    generated_at: now.toISOString(),
    eval_run_id: s.runId,
    eval_generated_at: s.generatedAt,
    policy_version: s.policyVersion,
    status: failed || problems.length > 0 ? 'fail' : 'pass',
    rows,
    problems,
  };
}
