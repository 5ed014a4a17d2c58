import { createHash } from 'node:crypto';
import { evaluate, parseActor, periodOf, type Decision } from 'closegate-policy';
import type { NewEntry } from '../domain.js';
import { CsvImportError, InvalidInputError } from '../errors.js';
import { validateEntriesCsv } from '../import/entriesCsv.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';

export interface ImportInput {
  actor: string;
  /** The CSV file's content. */
  csv: string;
  /** Label stored on every entry (default: sha256 prefix of the content). */
  batch?: string;
}

/**
 * Imports a CSV of entries all-or-nothing: any invalid row rejects the whole
 * file (CsvImportError with row numbers and reasons). Posting into each
 * (entity, period) is gated ('post_entry'); a closed period blocks the file
 * with a POLICY_VIOLATION event. One ENTRIES_IMPORTED event per file.
 */
export function importEntriesCsv(ctx: EngineContext, input: ImportInput): OperationResult {
  let actor;
  try {
    actor = parseActor(input.actor);
  } catch (err) {
    throw new InvalidInputError(`import: ${(err as Error).message}`);
  }
  const sha256 = createHash('sha256').update(input.csv).digest('hex');
  const batch = input.batch ?? `csv-${sha256.slice(0, 12)}`;
  return ctx.store.tx(() => {
    const known = new Set(ctx.store.entities.entities().map((e) => e.code));
    const checked = validateEntriesCsv(input.csv, known);
    if (!checked.ok) throw new CsvImportError(checked.errors);
    return insertEntries(ctx, actor.raw, checked.entries, batch, { sha256 }, 'ENTRIES_IMPORTED');
  });
}

/** Gate + insert + one audit event; the caller holds the transaction. */
export function insertEntries(
  ctx: EngineContext,
  actorRaw: string,
  entries: readonly NewEntry[],
  batch: string,
  extra: Record<string, unknown>,
  eventType: string,
): OperationResult {
  const actor = parseActor(actorRaw);
  const now = ctx.now().toISOString();
  const gate = checkPeriods(ctx, actorRaw, entries);
  if ('blocked' in gate) {
    const { entity, period, decision } = gate.blocked;
    return denied(ctx, 'post_entry', actor, decision, { entity, period, batch }, now);
  }
  for (const e of entries) ctx.store.entries.add(e, batch, now);
  const entities = [...new Set(entries.map((e) => e.entity))].sort();
  const auditSeq = audit(ctx, eventType, actor, { batch, count: entries.length, entities, ...extra }, now);
  faultAfterMutation(ctx, eventType);
  return {
    operation: 'import',
    outcome: 'allow',
    status: 'imported',
    decision: decisionJson(gate.allowed),
    imported: entries.length,
    auditSeq,
  };
}

function faultAfterMutation(ctx: EngineContext, operation: string): void {
  ctx.faultInjector?.('after_mutation', operation);
}

/** Gates posting into every (entity, period) the file touches; the first non-allow blocks the file. */
function checkPeriods(
  ctx: EngineContext,
  actor: string,
  entries: readonly NewEntry[],
): { blocked: { entity: string; period: string; decision: Decision } } | { allowed: Decision } {
  let allowed: Decision | undefined;
  const seen = new Set<string>();
  for (const e of entries) {
    const period = periodOf(e.postingDate);
    const key = `${e.entity}|${period}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const periodState = ctx.store.periods.get(e.entity, period).state;
    const decision = evaluate('post_entry', { entity: e.entity, period, periodState }, actor, ctx.policy);
    if (decision.outcome !== 'allow') return { blocked: { entity: e.entity, period, decision } };
    allowed ??= decision;
  }
  return { allowed: allowed ?? evaluate('propose', {}, actor, ctx.policy) };
}
