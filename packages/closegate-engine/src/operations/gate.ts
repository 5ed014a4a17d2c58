import {
  Decimal,
  absPlain,
  comparePlainAbs,
  evaluate,
  type Action,
  type Actor,
  type Decision,
  type MatchSubject,
} from 'closegate-policy';
import type { Entry, MatchRecord } from '../domain.js';
import { NotFoundError } from '../errors.js';
import { matchVarianceUsd } from '../matcher/classify.js';
import type { DecisionJson, EngineContext, OperationResult } from './context.js';

const SEVERITY: Record<Decision['outcome'], number> = { allow: 0, require_human_approval: 1, deny: 2 };

export function decisionJson(d: Decision): DecisionJson {
  const out: DecisionJson = { outcome: d.outcome, tier: d.tier, policyVersion: d.policyVersion };
  if (d.outcome !== 'allow') {
    out.code = d.code;
    out.clauseText = d.clauseText;
    out.clausePointer = d.clausePointer;
  }
  return out;
}

/** Loads the match's entries (in id order); a dangling line is a corrupted store. */
export function matchEntries(ctx: EngineContext, match: MatchRecord): Entry[] {
  return match.entryIds.map((id) => {
    const e = ctx.store.entries.get(id);
    if (e === undefined) throw new NotFoundError('entry', id);
    return e;
  });
}

/**
 * One gate subject per entity the match touches, each carrying the match's
 * size in that entity's functional currency, so an entity override (JP01 in
 * JPY) is applied to its own lines even inside an intercompany match.
 * The gate never sees a memo or a description: only amounts, accounts,
 * type, state and who proposed.
 */
export function matchSubjects(
  ctx: EngineContext,
  match: MatchRecord,
  rationale: string | undefined,
  known?: readonly Entry[],
): MatchSubject[] {
  const entries = known ?? matchEntries(ctx, match);
  const accountCodes = sortedUnique(entries.map((e) => e.accountCode));
  // only computed when the policy has a variance threshold (the gate reads it for nothing else)
  const varianceUsd =
    ctx.policy.document.match_variance_threshold_usd === undefined
      ? undefined
      : matchVarianceUsd(entries, ctx.fx);
  return sortedUnique(entries.map((e) => e.entity)).map((entity) => {
    const currency = ctx.store.entities.currencyOf(entity);
    const subject: MatchSubject = {
      kind: 'match',
      matchId: String(match.id),
      state: match.state,
      matchType: match.type,
      proposedBy: match.proposedBy,
      amountUsd: match.amountUsd,
      entity,
      accountCodes,
    };
    const local = currency === undefined ? undefined : largestLocal(entries, entity, currency);
    if (local !== undefined && currency !== undefined) subject.localAmount = { amount: local, currency };
    if (varianceUsd !== undefined) subject.varianceUsd = varianceUsd;
    if (rationale !== undefined) subject.rationale = rationale;
    if (match.proposerSession !== null && match.proposerSession !== undefined)
      subject.proposerSessionId = match.proposerSession;
    return subject;
  });
}

/**
 * The largest absolute amount among the entity's lines booked in its
 * functional currency, written as Decimal's toFixed() writes it.
 */
function largestLocal(entries: readonly Entry[], entity: string, currency: string): string | undefined {
  let max: string | undefined;
  for (const e of entries) {
    if (e.entity !== entity || e.currency !== currency) continue;
    const v = absPlain(e.amount);
    if (v === undefined) return largestLocalDecimal(entries, entity, currency);
    if (max === undefined || comparePlainAbs(v, max) > 0) max = v;
  }
  return max;
}

/** {@link largestLocal} for amounts that are not plain decimal strings. */
function largestLocalDecimal(entries: readonly Entry[], entity: string, currency: string): string {
  let max: Decimal | undefined;
  for (const e of entries) {
    if (e.entity !== entity || e.currency !== currency) continue;
    const v = new Decimal(e.amount).abs();
    if (max === undefined || v.gt(max)) max = v;
  }
  return max!.toFixed();
}

function sortedUnique(values: string[]): string[] {
  if (values.length === 2 && values[0] === values[1]) return [values[0]!];
  return [...new Set(values)].sort();
}

/** The strictest decision over every entity of the match (deny > human approval > allow). */
export function evaluateMatch(
  ctx: EngineContext,
  action: Extract<Action, 'confirm' | 'reject'>,
  match: MatchRecord,
  actor: Actor,
  rationale: string | undefined,
  known?: readonly Entry[],
  actorSessionId?: string,
): Decision {
  let worst: Decision | undefined;
  const context = actorSessionId === undefined ? {} : { actorSessionId };
  for (const subject of matchSubjects(ctx, match, rationale, known)) {
    const d = evaluate(action, subject, actor, ctx.policy, context);
    if (worst === undefined || SEVERITY[d.outcome] > SEVERITY[worst.outcome]) worst = d;
  }
  return worst ?? evaluate(action, undefined, actor, ctx.policy);
}

/** Appends one audit event (through the open batch, if any: see EngineContext) and returns its seq. */
export function audit(
  ctx: EngineContext,
  type: string,
  actor: Actor,
  payload: Record<string, unknown>,
  now: string,
): number {
  const event = {
    type,
    actor: actor.raw,
    payload: ctx.origin ? { ...payload, origin: ctx.origin } : payload,
    ts: now,
  };
  if (ctx.auditBatch !== undefined) return ctx.auditBatch.add(event);
  return ctx.store.audit.appendReturningHead(event).seq;
}

/**
 * A Deny: one POLICY_VIOLATION event with the code, verbatim clause text,
 * clause pointer and policy version; nothing else changes.
 */
export function denied(
  ctx: EngineContext,
  operation: string,
  actor: Actor,
  decision: Decision,
  subject: Record<string, unknown>,
  now: string,
): OperationResult {
  const d = decisionJson(decision);
  const auditSeq = audit(
    ctx,
    'POLICY_VIOLATION',
    actor,
    {
      operation,
      subject,
      code: d.code,
      clauseText: d.clauseText,
      clausePointer: d.clausePointer,
      policyVersion: d.policyVersion,
      tier: d.tier,
    },
    now,
  );
  return { operation, outcome: 'deny', status: 'denied', decision: d, auditSeq, ...subjectIds(subject) };
}

function subjectIds(subject: Record<string, unknown>): Partial<OperationResult> {
  const out: Partial<OperationResult> = {};
  if (typeof subject.matchId === 'number') out.matchId = subject.matchId;
  if (typeof subject.escalationId === 'number') out.escalationId = subject.escalationId;
  if (typeof subject.entryId === 'number') out.entryId = subject.entryId;
  if (typeof subject.entity === 'string') out.entity = subject.entity;
  if (typeof subject.period === 'string') out.period = subject.period;
  return out;
}
