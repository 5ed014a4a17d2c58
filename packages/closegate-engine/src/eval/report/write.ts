import fs from 'node:fs';
import path from 'node:path';
import { renderMarkdown } from './markdown.js';
import { toSummary, type EvalReport } from './summary.js';

/** A run id that sorts by time and is safe as a directory name: 2026-11-22T03-50-12-345Z. */
export function runIdFor(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

function writePrivate(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

/**
 * Writes <outDir>/<runId>/{report.json, report.md, summary.json} (directory
 * 0700, files 0600) and points <outDir>/latest at the run: a new symlink is
 * created under a temporary name and renamed over the old one, so a reader
 * never sees a missing or half-written link.
 */
export function writeReport(outDir: string, report: EvalReport): { runDir: string; latest: string } {
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const runDir = path.join(outDir, report.runId);
  fs.mkdirSync(runDir, { mode: 0o700 });
  writePrivate(path.join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writePrivate(path.join(runDir, 'report.md'), renderMarkdown(report));
  writePrivate(path.join(runDir, 'summary.json'), `${JSON.stringify(toSummary(report), null, 2)}\n`);
  const latest = path.join(outDir, 'latest');
  const tmp = path.join(outDir, `.latest-${process.pid}-${Date.now()}`);
  fs.symlinkSync(report.runId, tmp, 'dir');
  fs.renameSync(tmp, latest);
  return { runDir, latest };
}
