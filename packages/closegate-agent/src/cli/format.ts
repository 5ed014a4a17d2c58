import type { RunRecord } from '../agent/types.js';

/** The human-readable run summary the CLI prints. */
export function formatRun(run: RunRecord, agentDb: string): string {
  const r = run.report;
  const lines = [
    `run ${run.id}: ${run.status}${run.stopReason ? ` (${run.stopReason})` : ''}`,
    `  skill ${run.skill} ${run.skillVersion}, backend ${run.backend}${run.model ? ` (${run.model})` : ''}, engine actor ${run.actor}`,
    `  ${run.turns} turns, ${run.toolCalls} tool calls, ${run.usage.inputTokens + run.usage.outputTokens} tokens`,
  ];
  if (r?.reconPass) lines.push(...formatPass(r.reconPass));
  lines.push(`proposed by the agent (${r?.proposed.length ?? 0}):`);
  for (const p of r?.proposed ?? [])
    lines.push(
      `  match ${p.matchId ?? '?'} lines ${p.entryIds.join(', ')}${p.rationale ? `: ${p.rationale}` : ''}`,
    );
  lines.push(`escalated by the gate (${r?.escalated.length ?? 0}):`);
  for (const e of r?.escalated ?? [])
    lines.push(
      `  ${e.tool} match ${e.matchId ?? '?'} -> escalation ${e.escalationId ?? '?'} ${e.code ?? ''}${e.clause ? `: ${e.clause}` : ''}`,
    );
  lines.push(`denied by the gate (${r?.denied.length ?? 0}):`);
  for (const d of r?.denied ?? [])
    lines.push(`  ${d.tool} match ${d.matchId ?? '?'} ${d.code ?? ''}${d.clause ? `: ${d.clause}` : ''}`);
  lines.push(`flagged as prompt_injection_suspected (${r?.flagged.length ?? 0}):`);
  for (const f of r?.flagged ?? [])
    lines.push(
      `  entry ${f.entryId} by ${f.by} (engine: ${f.engineOutcome}): ${JSON.stringify(f.quote.slice(0, 200))}`,
    );
  if ((r?.refused.length ?? 0) > 0) {
    lines.push(`refused by the agent before the engine (${r!.refused.length}):`);
    for (const x of r!.refused) lines.push(`  ${x.tool}: ${x.code}`);
  }
  if (run.summary) lines.push(`summary: ${run.summary}`);
  lines.push(
    `transcript: ${agentDb} (run ${run.id}); engine audit seq ${run.auditSeqStart ?? '?'}..${run.auditSeqEnd ?? '?'}`,
  );
  return lines.join('\n');
}

const count = (v: unknown): number => (Array.isArray(v) ? v.length : typeof v === 'number' ? v : 0);

/** The recon pass the agent ran: counts, and the gate's escalations grouped by clause code. */
function formatPass(p: Record<string, unknown>): string[] {
  const lines = [
    `recon pass (engine run ${String(p.runId)}): proposed ${count(p.proposed)}, auto-confirmed ${count(p.autoConfirmed)}, escalated by the gate ${count(p.escalated)}, denied ${count(p.denied)}, exceptions ${count(p.exceptions)}`,
  ];
  const byCode = new Map<string, { n: number; clause: string }>();
  for (const e of Array.isArray(p.escalated) ? (p.escalated as Record<string, unknown>[]) : []) {
    const code = String(e.code ?? '?');
    const prev = byCode.get(code) ?? { n: 0, clause: String(e.clauseText ?? '') };
    byCode.set(code, { n: prev.n + 1, clause: prev.clause });
  }
  for (const [code, { n, clause }] of byCode) lines.push(`  ${n} x ${code}: ${clause}`);
  return lines;
}
