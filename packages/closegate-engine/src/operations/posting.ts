import { evaluate, parseActor, periodOf, type Decision } from 'closegate-policy';
import type { NewEntry } from '../domain.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';

/** Gate + insert + one audit event; the caller holds the transaction. */
export function insertEntries(
  ctx: EngineContext,
  actorRaw: string,
  entries: readonly NewEntry[],
  batch: string,
  extra: Record<string, unknown>,
  eventType: string,
  allowed?: Decision,
): OperationResult {
  const actor = parseActor(actorRaw);
  const now = ctx.now().toISOString();
  let decision = allowed;
  if (decision === undefined) {
    const gate = gatePeriods(ctx, actorRaw, entries);
    if (gate.kind !== 'allow') {
      const { entity, period } = gate.kind === 'deny' ? gate : gate.closed[0]!;
      return denied(ctx, 'post_entry', actor, gate.decision, { entity, period, batch }, now);
    }
    decision = gate.allowed;
  }
  for (const e of entries) ctx.store.entries.add(e, batch, now);
  const entities = [...new Set(entries.map((e) => e.entity))].sort();
  const auditSeq = audit(ctx, eventType, actor, { batch, count: entries.length, entities, ...extra }, now);
  ctx.faultInjector?.('after_mutation', eventType);
  return {
    operation: 'import',
    outcome: 'allow',
    status: 'imported',
    decision: decisionJson(decision),
    imported: entries.length,
    auditSeq,
  };
}

export type PeriodGate =
  | { kind: 'allow'; allowed: Decision }
  | { kind: 'deny'; entity: string; period: string; decision: Decision }
  | { kind: 'hold'; decision: Decision; closed: { entity: string; period: string }[] };

/**
 * Gates posting into every (entity, period) the entries touch: a deny
 * anywhere blocks the file; a T3 requirement (a closed period under
 * closed_period_posting: t3) holds it for approval. `approvals` are the T3
 * votes so far with their OS accounts (see t3Approvals), for a held import.
 */
export function gatePeriods(
  ctx: EngineContext,
  actor: string,
  entries: readonly NewEntry[],
  approvals?: { approvals: readonly string[]; approvalOsUsers: Readonly<Record<string, string>> },
  requestedBy?: string,
): PeriodGate {
  let allowed: Decision | undefined;
  let held: Decision | undefined;
  const closed: { entity: string; period: string }[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const period = periodOf(e.postingDate);
    const key = `${e.entity}|${period}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const periodState = ctx.store.periods.get(e.entity, period).state;
    const subject = {
      entity: e.entity,
      period,
      periodState,
      ...(approvals === undefined
        ? {}
        : { approvals: [...approvals.approvals], approvalOsUsers: { ...approvals.approvalOsUsers } }),
      ...(requestedBy === undefined ? {} : { requestedBy }),
    };
    const decision = evaluate('post_entry', subject, actor, ctx.policy);
    if (decision.outcome === 'deny') return { kind: 'deny', entity: e.entity, period, decision };
    if (decision.outcome === 'require_human_approval') {
      held ??= decision;
      closed.push({ entity: e.entity, period });
    } else allowed ??= decision;
  }
  if (held !== undefined) return { kind: 'hold', decision: held, closed };
  return { kind: 'allow', allowed: allowed ?? evaluate('propose', {}, actor, ctx.policy) };
}
