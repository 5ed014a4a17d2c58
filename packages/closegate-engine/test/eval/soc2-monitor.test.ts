import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { soc2MonitorCommand } from '../../src/cli/commands/soc2Monitor.js';
import { runEval } from '../../src/eval/runEval.js';
import { judgeSummary } from '../../src/eval/soc2/monitor.js';
import type { DimensionResult } from '../../src/eval/types.js';
import { defaultPolicyPath } from '../../src/config.js';
import { captureIo, tempDir } from './helpers.js';

type Summary = { overall: string; dimensions: Record<string, unknown>[] } & Record<string, unknown>;

/**
 * A real summary: accuracy and policy are real runs; adversarial and latency
 * are stand-ins with the published shape (the real ones need the MCP server
 * and wall-clock measurements, which do not belong in a fast unit test).
 */
async function realSummary(dir: string): Promise<{ file: string; summary: Summary }> {
  const standIn = (
    name: 'adversarial' | 'latency',
    cases: number,
    score: number,
    metric: string,
    comparator: '>=' | '<=',
    value: number,
  ): DimensionResult => ({
    name,
    deterministic: true,
    status: 'pass',
    cases,
    passed: cases,
    minCases: cases,
    threshold: { metric, comparator, value },
    score,
    headline: `${name} stand-in`,
    durationMs: 0,
    metrics: {},
    caseRecords: [],
  });
  const run = await runEval({
    dimensions: ['accuracy', 'policy', 'adversarial'],
    policyPath: defaultPolicyPath(),
    outDir: path.join(dir, 'results'),
    adversarial: async () => standIn('adversarial', 60, 1, 'pass_fraction', '>=', 1),
  });
  const file = path.join(run.runDir, 'summary.json');
  const summary = JSON.parse(fs.readFileSync(file, 'utf8')) as Summary;
  summary.dimensions.push({
    ...standInSummary(standIn('latency', 40, 0.2, 'worst_p95_budget_fraction', '<=', 1)),
  });
  fs.writeFileSync(file, JSON.stringify(summary));
  return { file, summary };
}

function standInSummary(d: DimensionResult): Record<string, unknown> {
  return {
    name: d.name,
    deterministic: true,
    status: 'pass',
    cases: d.cases,
    passed: d.passed,
    minCases: d.minCases,
    passFraction: 1,
    threshold: d.threshold,
    score: d.score,
    headline: d.headline,
  };
}

const clone = (s: Summary): Summary => JSON.parse(JSON.stringify(s)) as Summary;
const dim = (s: Summary, name: string) => s.dimensions.find((d) => d.name === name)!;

describe('soc2-monitor', () => {
  let real: { file: string; summary: Summary };
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    real = await realSummary(dir);
  });

  it('passes on a real summary and writes the monitoring record', async () => {
    const out = path.join(dir, 'monitor.json');
    const io = captureIo(dir);
    const code = await soc2MonitorCommand.run(['--summary', real.file, '--out', out], io);
    expect(io.stdout.join('\n')).toContain('PASS');
    expect(code).toBe(0);
    const record = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(record).toMatchObject({ status: 'pass', eval_run_id: real.summary.runId });
    expect(typeof record.generated_at).toBe('string');
    expect(record.rows.map((r: { dimension: string }) => r.dimension)).toEqual([
      'accuracy',
      'policy',
      'adversarial',
      'latency',
    ]);
    for (const r of record.rows) expect(r).toMatchObject({ status: 'pass', thresholdMet: true });
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
  });

  const doctored: [string, (s: Summary) => void, RegExp][] = [
    [
      'a threshold not met',
      (s) => {
        const d = dim(s, 'accuracy');
        d.score = 0.9;
      },
      /does not meet >= 0.95/,
    ],
    [
      'a missing dimension',
      (s) => {
        s.dimensions = s.dimensions.filter((d) => d.name !== 'adversarial');
      },
      /missing/,
    ],
    [
      'tampered counts inconsistent with the pass fraction',
      (s) => {
        const d = dim(s, 'policy');
        d.passed = (d.cases as number) - 3;
      },
      /inconsistent/,
    ],
    [
      'a pass fraction raised without the counts',
      (s) => {
        const d = dim(s, 'policy');
        d.passed = (d.cases as number) - 1;
        d.passFraction = 1;
        d.score = 1;
      },
      /inconsistent/,
    ],
    [
      'a lowered threshold',
      (s) => {
        const d = dim(s, 'accuracy');
        d.score = 0.5;
        d.threshold = { metric: 'macro_f1', comparator: '>=', value: 0.5 };
      },
      /differs from the control/,
    ],
    [
      'too few cases',
      (s) => {
        const d = dim(s, 'policy');
        d.cases = 10;
        d.passed = 10;
      },
      /at least 40 required/,
    ],
    [
      'a failing status',
      (s) => {
        dim(s, 'latency').status = 'fail';
      },
      /eval status fail/,
    ],
    [
      'a duplicated dimension',
      (s) => {
        s.dimensions.push({ ...dim(s, 'accuracy') });
      },
      /listed twice/,
    ],
    [
      'an unknown key',
      (s) => {
        (s as Record<string, unknown>).approvedBy = 'human:cfo';
      },
      /does not match/,
    ],
  ];

  for (const [what, doctor, reason] of doctored) {
    it(`fails on a doctored summary: ${what}`, async () => {
      const s = clone(real.summary);
      doctor(s);
      const file = path.join(dir, `doctored-${what.replace(/\W+/g, '-')}.json`);
      fs.writeFileSync(file, JSON.stringify(s));
      const io = captureIo(dir);
      const code = await soc2MonitorCommand.run(
        ['--summary', file, '--out', path.join(dir, 'm.json'), '--json'],
        io,
      );
      expect(code).toBe(5);
      const record = JSON.parse(io.stdout.join(''));
      expect(record.status).toBe('fail');
      const problems = [
        ...record.problems,
        ...record.rows.flatMap((r: { problems: string[] }) => r.problems),
      ].join('\n');
      expect(problems).toMatch(reason);
    });
  }

  it('judges a summary the same way as a pure function (no clock or file needed)', () => {
    const r = judgeSummary(real.summary, new Date('2026-11-22T00:00:00Z'));
    expect(r.status).toBe('pass');
    expect(r.generated_at).toBe('2026-11-22T00:00:00.000Z');
  });

  it('reads evals/results/latest/summary.json by default and is a usage error when absent', async () => {
    const empty = tempDir();
    await expect((async () => soc2MonitorCommand.run([], captureIo(empty)))()).rejects.toThrow(
      /run `closegate-engine eval` first/,
    );
    const latest = path.join(empty, 'evals', 'results', 'latest');
    fs.mkdirSync(latest, { recursive: true });
    fs.copyFileSync(real.file, path.join(latest, 'summary.json'));
    expect(await soc2MonitorCommand.run([], captureIo(empty))).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(latest, 'soc2-monitor.json'), 'utf8')).status).toBe('pass');
  });
});
