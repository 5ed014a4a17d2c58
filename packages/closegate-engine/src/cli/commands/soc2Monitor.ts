import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../args.js';
import { EXIT_NOT_PASSED, EXIT_OK, printJson, UsageError } from '../io.js';
import type { Command } from './types.js';

export const EXIT_MONITOR_FAILED = EXIT_NOT_PASSED;

const HELP = `usage: closegate-engine soc2-monitor [--summary FILE] [--out FILE] [--json]

Judges an eval summary as a continuous-monitoring control: every deterministic
dimension (accuracy, policy, adversarial, latency) must be present, meet the
monitor's own threshold and case minimum, and have counts consistent with its
pass fraction and score. Writes a monitoring record (generated_at, eval run id,
one row per dimension: status, headline, threshold met).

Options:
  --summary FILE  eval summary (default: evals/results/latest/summary.json)
  --out FILE      monitoring JSON (default: soc2-monitor.json next to the summary's run)
  --json          print the monitoring record

Exit: 0 every control passed, 5 a control failed, 1 unreadable summary, 2 usage.`;

export const soc2MonitorCommand: Command = {
  name: 'soc2-monitor',
  summary: 'judge an eval summary for SOC 2 continuous monitoring',
  help: HELP,
  async run(argv, io) {
    const { values } = parse(argv, { summary: { type: 'string' }, out: { type: 'string' } }, HELP);
    if (values.help) return (io.out(HELP), EXIT_OK);
    const summaryPath = path.resolve(
      io.cwd,
      values.summary ?? path.join('evals', 'results', 'latest', 'summary.json'),
    );
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(summaryPath, 'utf8'));
    } catch (err) {
      throw new UsageError(
        `cannot read the eval summary ${summaryPath}: ${(err as Error).message}; run \`closegate-engine eval\` first or pass --summary FILE`,
        HELP,
      );
    }
    const { judgeSummary } = await import('../../eval/soc2/monitor.js');
    const report = judgeSummary(raw, new Date());
    const outPath = path.resolve(
      io.cwd,
      values.out ?? path.join(path.dirname(summaryPath), 'soc2-monitor.json'),
    );
    fs.writeFileSync(outPath, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
    fs.chmodSync(outPath, 0o600);
    if (values.json) printJson(io, report);
    else {
      io.out(`soc2-monitor: ${report.status.toUpperCase()} (eval run ${report.eval_run_id ?? 'unknown'})`);
      for (const r of report.rows)
        io.out(
          `  ${r.dimension.padEnd(12)} ${r.status.padEnd(5)} threshold ${r.thresholdMet ? 'met' : 'NOT met'}  ${r.headline}${r.problems.length ? `\n      ${r.problems.join('\n      ')}` : ''}`,
        );
      for (const p of report.problems) io.out(`  ! ${p}`);
      io.out(`record: ${outPath}`);
    }
    return report.status === 'pass' ? EXIT_OK : EXIT_MONITOR_FAILED;
  },
};
