import fs from 'node:fs';
import { policyVersionOf } from 'closegate-policy';
import { runAccuracy } from './accuracy/run.js';
import { runLatency, type LatencyOptions } from './latency/run.js';
import { runPolicy, seededTemplate } from './policy/run.js';
import type { EvalReport } from './report/summary.js';
import { runIdFor, writeReport } from './report/write.js';
import { DIMENSIONS, type DimensionName, type DimensionResult } from './types.js';
import { createWorkspace, type Workspace } from './workspace.js';

export interface EvalOptions {
  dimensions?: readonly DimensionName[];
  policyPath: string;
  /** Output directory (default evals/results under the cwd is the CLI's job). */
  outDir: string;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  /** Smaller sample counts (tests). */
  quick?: boolean;
  onProgress?: (line: string) => void;
  /** Adversarial dimension (needs the MCP server); injected so the harness works before it exists. */
  adversarial?: (
    ws: Workspace,
    template: string,
    policyText: string,
    env: NodeJS.ProcessEnv,
  ) => Promise<DimensionResult>;
  /** Per-tool latency over MCP HTTP; same reason. */
  toolLatency?: (ws: Workspace, template: string, policyText: string) => LatencyOptions['measureTools'];
}

export interface EvalRun {
  report: EvalReport;
  runDir: string;
  latest: string;
}

/** Runs the chosen dimensions in a private temp workspace (removed afterwards) and writes the report files. */
export async function runEval(opts: EvalOptions): Promise<EvalRun> {
  const now = opts.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const chosen = DIMENSIONS.filter((d) => (opts.dimensions ?? DIMENSIONS).includes(d));
  const policyText = fs.readFileSync(opts.policyPath, 'utf8');
  const progress = opts.onProgress ?? (() => undefined);
  const ws = createWorkspace();
  const results: DimensionResult[] = [];
  try {
    const template = seededTemplate(ws, policyText);
    for (const name of chosen) {
      progress(`eval: ${name} ...`);
      const r = await runDimension(name, ws, template, policyText, opts);
      progress(`eval: ${name} ${r.status}: ${r.headline}`);
      results.push(r);
    }
  } finally {
    ws.dispose();
  }
  const report: EvalReport = {
    schema: 'closegate-eval-report/1',
    runId: runIdFor(startedAt),
    generatedAt: now().toISOString(),
    policyPath: opts.policyPath,
    policyVersion: policyVersionOf(policyText),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    durationMs: Math.round(performance.now() - started),
    overall: results.some((r) => r.deterministic && r.status === 'fail') ? 'fail' : 'pass',
    dimensions: results,
  };
  return { report, ...writeReport(opts.outDir, report) };
}

async function runDimension(
  name: DimensionName,
  ws: Workspace,
  template: string,
  policyText: string,
  opts: EvalOptions,
): Promise<DimensionResult> {
  switch (name) {
    case 'accuracy':
      return runAccuracy();
    case 'policy':
      return runPolicy(ws, opts.policyPath);
    case 'latency':
      return runLatency(ws, template, policyText, {
        reconSamples: opts.quick ? 20 : 30,
        measureTools: opts.toolLatency?.(ws, template, policyText),
      });
    case 'adversarial':
      if (opts.adversarial === undefined) throw new Error('the adversarial dimension needs the MCP server');
      return opts.adversarial(ws, template, policyText, opts.env ?? process.env);
  }
}
