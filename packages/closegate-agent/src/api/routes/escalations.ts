import { randomUUID } from 'node:crypto';
import type { ApiContext } from '../context.js';
import {
  decisionBody,
  escalationListQuery,
  type AuditEventView,
  type EntryView,
  type EscalationDetail,
  type EscalationListResponse,
  type EscalationRow,
  type MatchView,
} from '../contract.js';
import { dataOf, decisionOf } from '../engine-reply.js';
import { defined, idParam, queryObject, validate } from '../validate.js';

const SORT_TO_ENGINE: Record<string, string> = {
  age: 'age',
  amountUsd: 'amount_usd',
  entity: 'entity',
  account: 'account',
  clause: 'clause',
  id: 'id',
};

interface EngineInboxRow {
  id: number;
  subjectKind: 'match' | 'period' | 'import';
  subjectId: string;
  tier: string;
  clauseCode: string;
  requestedBy: string;
  createdAt: string;
  amountUsd: string | null;
  proposer: string;
  entity: string | null;
  account: string | null;
  counterparty: string | null;
  localAmount: string | null;
  localCurrency: string | null;
  ageDays: number;
}

export async function listEscalations(ctx: ApiContext): Promise<EscalationListResponse> {
  const q = validate(escalationListQuery, queryObject(ctx.url));
  const out = dataOf<{ rows: EngineInboxRow[]; total: number; page: number; pageSize: number }>(
    await ctx.deps.engine.call(
      ctx.session.actorId,
      'desk_list_escalations',
      defined({
        entity: q.entity,
        account: q.account,
        tier: q.tier,
        clause: q.clause,
        min_age_days: q.minAgeDays,
        min_amount_usd: q.minAmount,
        max_amount_usd: q.maxAmount,
        sort: SORT_TO_ENGINE[q.sort],
        order: q.order,
        page: q.page,
        page_size: q.pageSize,
      }),
    ),
  );
  const rows: EscalationRow[] = out.rows.map((r) => ({
    id: r.id,
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    tier: r.tier,
    clauseCode: r.clauseCode,
    amountLocal:
      r.localAmount === null || r.localCurrency === null
        ? null
        : { amount: r.localAmount, currency: r.localCurrency },
    amountUsd: r.amountUsd,
    entity: r.entity,
    account: r.account,
    counterparty: r.counterparty,
    proposer: r.proposer,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    ageDays: r.ageDays,
  }));
  return { rows, page: out.page, pageSize: out.pageSize, total: out.total };
}

interface EngineDetail {
  escalation: {
    id: number;
    action: string;
    subjectKind: 'match' | 'period' | 'import';
    subjectId: string;
    state: 'open' | 'approved' | 'rejected';
    tier: string;
    code: string;
    clauseText: string;
    clausePointer: string;
    policyVersion: string;
    requestedBy: string;
    requestRationale: string;
    createdAt: string;
    resolvedBy: string | null;
    resolutionRationale: string | null;
    resolvedAt: string | null;
    votes: EscalationDetail['votes'];
  };
  match: (MatchView & { escalations?: unknown }) | null;
  sides: { left: EntryView[]; right: EntryView[]; leftLabel: string; rightLabel: string } | null;
  varianceUsd: string | null;
  proposerRationale: string;
  votesRequired: number;
  auditEvents: AuditEventView[];
  canDecide: boolean;
  cannotDecideReason: string | null;
}

/** The match as the desk shows it (no run or session internals). */
export function matchView(m: MatchView): MatchView {
  return {
    id: m.id,
    type: m.type,
    state: m.state,
    proposedBy: m.proposedBy,
    source: m.source,
    score: m.score,
    amountUsd: m.amountUsd,
    fx: m.fx,
    rationale: m.rationale,
    intercompany: m.intercompany,
    decidedBy: m.decidedBy,
    decisionRationale: m.decisionRationale,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    entries: m.entries,
  };
}

export async function getEscalation(ctx: ApiContext): Promise<EscalationDetail> {
  const id = idParam(ctx.params[0]);
  const d = dataOf<EngineDetail>(
    await ctx.deps.engine.call(ctx.session.actorId, 'desk_get_escalation', { escalation_id: id }),
  );
  const e = d.escalation;
  return {
    id: e.id,
    action: e.action,
    subjectKind: e.subjectKind,
    subjectId: e.subjectId,
    state: e.state,
    tier: e.tier,
    clause: {
      code: e.code,
      text: e.clauseText,
      pointer: e.clausePointer,
      policyVersion: e.policyVersion,
      tier: e.tier,
    },
    requestedBy: e.requestedBy,
    requestRationale: e.requestRationale,
    createdAt: e.createdAt,
    resolvedBy: e.resolvedBy,
    resolutionRationale: e.resolutionRationale,
    resolvedAt: e.resolvedAt,
    match: d.match === null ? null : matchView(d.match),
    sides: d.sides,
    varianceUsd: d.varianceUsd,
    proposerRationale: d.proposerRationale,
    votes: e.votes,
    votesRequired: d.votesRequired,
    auditEvents: d.auditEvents,
    canVote: d.canDecide,
    cannotVoteReason: d.cannotDecideReason,
  };
}

/** Approve or reject as the logged-in human; for a period close it is one vote. The engine's gate decides. */
export function decide(decision: 'approve' | 'reject') {
  return async (ctx: ApiContext) => {
    const id = idParam(ctx.params[0]);
    const body = validate(decisionBody, ctx.body);
    const reply = await ctx.deps.engine.call(ctx.session.actorId, 'resolve_escalation', {
      escalation_id: id,
      decision,
      rationale: body.rationale,
      // one key per request: a browser retry is a new decision the engine judges again
      idempotency_key: `desk-${randomUUID()}`,
    });
    return decisionOf(reply, ctx.session.actorId);
  };
}
