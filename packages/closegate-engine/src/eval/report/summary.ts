import { z } from 'zod';
import { DIMENSIONS, type DimensionResult } from '../types.js';

export const SUMMARY_SCHEMA = 'closegate-eval-summary/1';

/** The full report (report.json). */
export interface EvalReport {
  schema: 'closegate-eval-report/1';
  runId: string;
  generatedAt: string;
  policyPath: string;
  policyVersion: string;
  node: string;
  platform: string;
  durationMs: number;
  overall: 'pass' | 'fail';
  dimensions: DimensionResult[];
}

const thresholdSchema = z
  .object({ metric: z.string().min(1), comparator: z.enum(['>=', '<=']), value: z.number().finite() })
  .strict();

export const summaryDimensionSchema = z
  .object({
    name: z.enum(DIMENSIONS),
    deterministic: z.boolean(),
    status: z.enum(['pass', 'fail', 'skipped']),
    cases: z.number().int().nonnegative(),
    passed: z.number().int().nonnegative(),
    minCases: z.number().int().nonnegative(),
    passFraction: z.number().min(0).max(1),
    threshold: thresholdSchema,
    score: z.number(),
    headline: z.string(),
  })
  .strict();

/** summary.json: what the SOC 2 monitor reads. */
export const summarySchema = z
  .object({
    schema: z.literal(SUMMARY_SCHEMA),
    runId: z.string().min(1),
    generatedAt: z.string().datetime(),
    policyVersion: z.string(),
    overall: z.enum(['pass', 'fail']),
    dimensions: z.array(summaryDimensionSchema),
  })
  .strict();

export type EvalSummary = z.infer<typeof summarySchema>;
export type SummaryDimension = z.infer<typeof summaryDimensionSchema>;

export function toSummary(report: EvalReport): EvalSummary {
  return {
    schema: SUMMARY_SCHEMA,
    runId: report.runId,
    generatedAt: report.generatedAt,
    policyVersion: report.policyVersion,
    overall: report.overall,
    dimensions: report.dimensions.map((d) => ({
      name: d.name,
      deterministic: d.deterministic,
      status: d.status,
      cases: d.cases,
      passed: d.passed,
      minCases: d.minCases,
      passFraction: d.cases === 0 ? 0 : Math.round((d.passed / d.cases) * 10_000) / 10_000,
      threshold: d.threshold,
      score: d.score,
      headline: d.headline,
    })),
  };
}
