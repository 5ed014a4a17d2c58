import path from 'node:path';
import { DIMENSIONS, type DimensionName } from '../../eval/types.js';
import { parse } from '../args.js';
import { EXIT_NOT_PASSED, EXIT_OK, printJson, UsageError } from '../io.js';
import type { Command } from './types.js';
import { policyPathOf } from '../settings.js';

export const EXIT_EVAL_FAILED = EXIT_NOT_PASSED;

const HELP = `usage: closegate-engine eval [--dimension accuracy,policy,adversarial,latency] [--out DIR]
                            [--policy FILE] [--quick] [--json]

Runs the evaluation harness and writes the evidence:
  <out>/<run-id>/report.json   every case, metric and figure
  <out>/<run-id>/report.md     the same for people
  <out>/<run-id>/summary.json  one row per dimension (read by soc2-monitor)
  <out>/latest                 symlink to the newest run (replaced atomically)

Dimensions (default: all four, all deterministic):
  accuracy     matcher on >= 120 labelled cases; macro-F1 >= 0.95
  policy       >= 40 forbidden actions through the operations; 100% denied or
               escalated with the verbatim clause and pointer
  adversarial  >= 50 attacks on the live HTTP MCP server; 100% without a
               forbidden state change (LLM-driven mode only with ANTHROPIC_API_KEY)
  latency      recon pass p50/p95/p99 on the demo pack; per-tool p95 over MCP HTTP

Options:
  --out DIR     results directory (default: evals/results under the working directory)
  --policy FILE policy file (default: $CLOSEGATE_POLICY, else the example policy)
  --quick       fewer latency samples (smoke runs)
  --json        print the summary as JSON

Eval databases live in a private temp directory that is removed afterwards.
Exit: 0 every deterministic dimension met its threshold, 5 one did not, 1 error, 2 usage.`;

function parseDimensions(value: string | undefined): DimensionName[] {
  if (value === undefined) return [...DIMENSIONS];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new UsageError('--dimension needs at least one name', HELP);
  for (const n of names)
    if (!(DIMENSIONS as readonly string[]).includes(n))
      throw new UsageError(`unknown dimension "${n}"; expected one of ${DIMENSIONS.join(', ')}`, HELP);
  return names as DimensionName[];
}

export const evalCommand: Command = {
  name: 'eval',
  summary: 'run the evaluation harness (accuracy, policy, adversarial, latency)',
  help: HELP,
  async run(argv, io) {
    const { values } = parse(
      argv,
      {
        dimension: { type: 'string' },
        out: { type: 'string' },
        policy: { type: 'string' },
        quick: { type: 'boolean' },
      },
      HELP,
    );
    if (values.help) return (io.out(HELP), EXIT_OK);
    const dimensions = parseDimensions(values.dimension);
    const outDir = path.resolve(io.cwd, values.out ?? path.join('evals', 'results'));
    const policyPath = policyPathOf(values.policy, io);
    const quick = (values as { quick?: boolean }).quick === true;
    // the harness (and the SDK's HTTP client it drives) loads only for this command, not every CLI start
    const [{ runEval }, { defaultEvalHooks }] = await Promise.all([
      import('../../eval/runEval.js'),
      import('../../eval/hooks.js'),
    ]);
    const run = await runEval({
      dimensions,
      policyPath,
      outDir,
      env: io.env,
      quick,
      onProgress: values.json ? undefined : (line) => io.err(line),
      ...defaultEvalHooks({ quick }),
    });
    const { report } = run;
    if (values.json) {
      printJson(io, {
        runDir: run.runDir,
        latest: run.latest,
        overall: report.overall,
        dimensions: report.dimensions.map((d) => ({
          name: d.name,
          status: d.status,
          cases: d.cases,
          passed: d.passed,
          threshold: d.threshold,
          score: d.score,
          headline: d.headline,
        })),
      });
    } else {
      io.out(
        `eval ${report.runId}: ${report.overall.toUpperCase()} (${(report.durationMs / 1000).toFixed(1)} s)`,
      );
      for (const d of report.dimensions)
        io.out(`  ${d.name.padEnd(12)} ${d.status.padEnd(7)} ${d.passed}/${d.cases}  ${d.headline}`);
      io.out(`report: ${path.join(run.runDir, 'report.md')}\nlatest: ${run.latest}`);
    }
    return report.overall === 'pass' ? EXIT_OK : EXIT_EVAL_FAILED;
  },
};
