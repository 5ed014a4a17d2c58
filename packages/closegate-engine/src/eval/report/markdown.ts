import type { DimensionResult } from '../types.js';
import type { EvalReport } from './summary.js';

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

function dimensionSection(d: DimensionResult): string {
  const failures = d.caseRecords.filter((c) => !c.passed);
  const lines = [
    `## ${d.name} — ${d.status.toUpperCase()}`,
    '',
    d.headline,
    '',
    `- cases: ${d.cases} (minimum ${d.minCases}), passed: ${d.passed}`,
    `- threshold: ${d.threshold.metric} ${d.threshold.comparator} ${d.threshold.value}; measured ${d.score}`,
    `- duration: ${(d.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const s of d.skipped ?? []) lines.push(`- skipped: ${s.mode} (${s.reason})`);
  const confusion = d.metrics.confusion as Record<string, Record<string, number>> | undefined;
  if (confusion !== undefined) {
    const cols = Object.keys(Object.values(confusion)[0] ?? {});
    lines.push('', 'Confusion matrix (rows: expected, columns: predicted):', '');
    lines.push(row(['expected \\ predicted', ...cols]), row(['---', ...cols.map(() => '---:')]));
    for (const [k, v] of Object.entries(confusion)) lines.push(row([k, ...cols.map((c) => v[c] ?? 0)]));
  }
  const byCategory = d.metrics.byCategory as Record<string, { cases: number; passed: number }> | undefined;
  if (byCategory !== undefined) {
    lines.push('', row(['category', 'cases', 'passed']), row(['---', '---:', '---:']));
    for (const [k, v] of Object.entries(byCategory)) lines.push(row([k, v.cases, v.passed]));
  }
  const sets = d.metrics.sets as
    | Record<
        string,
        { cases: number; macroF1: number; pairPrecision: number; wrongPairs: number; proposedPairs: number }
      >
    | undefined;
  if (sets !== undefined) {
    lines.push('', row(['set', 'cases', 'macro-F1', 'pair precision', 'wrong / proposed pairs']));
    lines.push(row(['---', '---:', '---:', '---:', '---:']));
    for (const [k, v] of Object.entries(sets))
      lines.push(row([k, v.cases, v.macroF1, v.pairPrecision, `${v.wrongPairs} / ${v.proposedPairs}`]));
  }
  const falseMatches = d.metrics.falseMatches as
    { caseId: string; entryIds: number[]; rationale: string }[] | undefined;
  if (falseMatches !== undefined) {
    lines.push('', `False matches (held-out and tuning): ${falseMatches.length}`);
    for (const f of falseMatches)
      lines.push(`- \`${f.caseId}\` lines ${f.entryIds.join(', ')}: ${f.rationale}`);
  }
  const tools = d.metrics.tools as Record<string, { p50: number; p95: number; samples: number }> | undefined;
  if (tools !== undefined) {
    lines.push('', row(['tool', 'samples', 'p50 ms', 'p95 ms']), row(['---', '---:', '---:', '---:']));
    for (const [k, v] of Object.entries(tools)) lines.push(row([k, v.samples, v.p50, v.p95]));
  }
  if (failures.length > 0) {
    lines.push('', 'Failed cases:', '');
    for (const f of failures.slice(0, 50)) lines.push(`- \`${f.id}\` (${f.category}): ${f.detail}`);
  }
  return lines.join('\n');
}

/** report.md: the human-readable evidence, one section per dimension. */
export function renderMarkdown(r: EvalReport): string {
  const head = [
    `# closegate evaluation ${r.runId}`,
    '',
    `Overall: **${r.overall.toUpperCase()}** · generated ${r.generatedAt} · policy version \`${r.policyVersion}\` · node ${r.node} · ${(r.durationMs / 1000).toFixed(1)} s`,
    '',
    row(['dimension', 'status', 'cases', 'passed', 'threshold', 'score', 'headline']),
    row(['---', '---', '---:', '---:', '---', '---:', '---']),
    ...r.dimensions.map((d) =>
      row([
        d.name,
        d.status,
        d.cases,
        d.passed,
        `${d.threshold.metric} ${d.threshold.comparator} ${d.threshold.value}`,
        d.score,
        d.headline,
      ]),
    ),
  ];
  return `${[head.join('\n'), ...r.dimensions.map(dimensionSection)].join('\n\n')}\n`;
}
