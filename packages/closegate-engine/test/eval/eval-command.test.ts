import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalCommand } from '../../src/cli/commands/eval.js';
import { summarySchema } from '../../src/eval/report/summary.js';
import { captureIo, tempDir } from './helpers.js';

describe('closegate-engine eval', () => {
  it('writes report.json, report.md and summary.json and points latest at the run', async () => {
    const cwd = tempDir();
    const io = captureIo(cwd);
    const code = await evalCommand.run(['--dimension', 'accuracy', '--quick'], io);
    expect(code).toBe(0);
    const results = path.join(cwd, 'evals', 'results');
    const latest = path.join(results, 'latest');
    expect(fs.lstatSync(latest).isSymbolicLink()).toBe(true);
    const runDir = fs.realpathSync(latest);
    expect(path.dirname(runDir)).toBe(fs.realpathSync(results));
    for (const f of ['report.json', 'report.md', 'summary.json']) {
      const st = fs.statSync(path.join(runDir, f));
      expect(st.mode & 0o777).toBe(0o600);
    }
    const summary = summarySchema.parse(
      JSON.parse(fs.readFileSync(path.join(latest, 'summary.json'), 'utf8')),
    );
    expect(summary.dimensions.map((d) => d.name)).toEqual(['accuracy']);
    const accuracy = summary.dimensions[0]!;
    expect(accuracy.cases).toBeGreaterThanOrEqual(120);
    expect(accuracy.score).toBeGreaterThanOrEqual(0.95);
    const report = JSON.parse(fs.readFileSync(path.join(runDir, 'report.json'), 'utf8'));
    expect(report.dimensions[0].metrics.confusion.exact.exact).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(runDir, 'report.md'), 'utf8')).toContain('Confusion matrix');
  });

  it('replaces the latest link on a second run and leaves no temp databases behind', async () => {
    const cwd = tempDir();
    const out = path.join(cwd, 'out');
    const before = fs.readdirSync(path.dirname(cwd)).filter((n) => n.startsWith('closegate-eval-')).length;
    expect(await evalCommand.run(['--dimension', 'accuracy', '--out', out], captureIo(cwd))).toBe(0);
    const first = fs.readlinkSync(path.join(out, 'latest'));
    await new Promise((r) => setTimeout(r, 5));
    expect(await evalCommand.run(['--dimension', 'accuracy', '--out', out, '--json'], captureIo(cwd))).toBe(
      0,
    );
    const second = fs.readlinkSync(path.join(out, 'latest'));
    expect(second).not.toBe(first);
    expect(
      fs
        .readdirSync(out)
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual([first, second, 'latest'].sort());
    const after = fs.readdirSync(path.dirname(cwd)).filter((n) => n.startsWith('closegate-eval-')).length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it('runs a policy subset through the real operations and exits 5 when a threshold is missed', async () => {
    const cwd = tempDir();
    // policy needs >= 40 scenarios; the full set passes, so a policy that changes a clause must fail it:
    const policy = fs.readFileSync(
      path.join(
        path.dirname(new URL(import.meta.url).pathname),
        '../../../closegate-policy/examples/policy.yaml',
      ),
      'utf8',
    );
    const weakened = policy.replace(
      "materiality_threshold_usd: '10000.00'",
      "materiality_threshold_usd: '900000.00'",
    );
    expect(weakened).not.toBe(policy);
    const policyFile = path.join(cwd, 'weak-policy.yaml');
    fs.writeFileSync(policyFile, weakened);
    const io = captureIo(cwd);
    const code = await evalCommand.run(['--dimension', 'policy', '--policy', policyFile], io);
    const summary = JSON.parse(fs.readFileSync(path.join(cwd, 'evals/results/latest/summary.json'), 'utf8'));
    expect(summary.dimensions[0].cases).toBeGreaterThanOrEqual(40);
    expect(code).toBe(5);
    expect(summary.overall).toBe('fail');
  });

  it('refuses an unknown dimension with a usage error', async () => {
    await expect(evalCommand.run(['--dimension', 'vibes'], captureIo(tempDir()))).rejects.toThrow(
      /unknown dimension/,
    );
  });
});
