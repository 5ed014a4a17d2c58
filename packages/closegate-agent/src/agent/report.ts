import type { FlaggedItem, RunReport } from './types.js';

export function emptyReport(): RunReport {
  return { proposed: [], escalated: [], denied: [], flagged: [], refused: [], reconPass: null };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** What an engine answer came to, in one word, plus its code (for events and the report). */
export function outcomeOf(isError: boolean, json: unknown): { outcome: string; code: string | null } {
  const body = (json ?? {}) as Record<string, unknown>;
  const decision = body.decision as Record<string, unknown> | undefined;
  const error = body.error as Record<string, unknown> | undefined;
  if (decision !== undefined) {
    const outcome = str(decision.outcome) ?? (isError ? 'error' : 'allow');
    return { outcome: body.replayed === true ? 'replayed' : outcome, code: str(decision.code) };
  }
  if (error !== undefined) return { outcome: 'error', code: str(error.code) };
  return { outcome: isError ? 'error' : 'allow', code: null };
}

/**
 * Folds one engine answer into the run report. The report is built from what
 * the engine answered (decisions, clause codes, ids), never from the model's text.
 */
export function recordEngineAnswer(
  report: RunReport,
  tool: string,
  args: Record<string, unknown>,
  isError: boolean,
  json: unknown,
): void {
  const body = (json ?? {}) as Record<string, unknown>;
  const decision = (body.decision ?? {}) as Record<string, unknown>;
  const clause = (body.clause ?? {}) as Record<string, unknown>;
  const outcome = str(decision.outcome);
  const matchId = num(body.matchId) ?? num(args.match_id);
  if (tool === 'run_recon_pass' && !isError) {
    report.reconPass = body;
    return;
  }
  if (outcome === 'require_human_approval') {
    report.escalated.push({
      tool,
      matchId,
      escalationId: num(body.escalationId),
      code: str(clause.code) ?? str(decision.code),
      clause: str(clause.text) ?? str(decision.clauseText),
    });
  } else if (outcome === 'deny') {
    report.denied.push({
      tool,
      matchId,
      code: str(clause.code) ?? str(decision.code),
      clause: str(clause.text) ?? str(decision.clauseText),
    });
  }
  if (tool === 'propose_match' && !isError && outcome !== 'deny') {
    const ids = Array.isArray(args.entry_ids)
      ? args.entry_ids.filter((x): x is number => typeof x === 'number')
      : [];
    report.proposed.push({
      matchId,
      entryIds: ids,
      rationale: str(args.rationale),
      auditSeq: num(body.auditSeq),
    });
  }
}

export function recordFlag(report: RunReport, item: FlaggedItem): void {
  report.flagged.push(item);
}

/** A one-paragraph summary for the CLI and the run record. */
export function reportSummary(report: RunReport, modelText: string): string {
  const passEscalated = Array.isArray(report.reconPass?.escalated) ? report.reconPass.escalated.length : 0;
  const parts = [
    `proposed ${report.proposed.length}`,
    `escalated by the gate ${report.escalated.length + passEscalated}`,
    `denied by the gate ${report.denied.length}`,
    `flagged ${report.flagged.length}`,
    `refused by the agent ${report.refused.length}`,
  ];
  const text = modelText.trim();
  return `${parts.join(', ')}.${text ? ` Agent: ${text.slice(0, 2000)}` : ''}`;
}
