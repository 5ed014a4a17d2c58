import { randomUUID } from 'node:crypto';
import type { ApiContext } from '../context.js';
import {
  closeRequestBody,
  exceptionListQuery,
  manualMatchBody,
  resolveExceptionBody,
  type AuditEventView,
  type CalendarResponse,
  type DecisionResult,
  type ExceptionListResponse,
  type MatchDetailResponse,
  type MatchView,
  type ReconStatusResponse,
} from '../contract.js';
import { dataOf, decisionOf } from '../engine-reply.js';
import { ApiHttpError } from '../errors.js';
import { defined, idParam, queryObject, validate } from '../validate.js';
import { matchView } from './escalations.js';

const key = () => `desk-${randomUUID()}`;

export async function getMatch(ctx: ApiContext): Promise<MatchDetailResponse> {
  const id = idParam(ctx.params[0]);
  const actor = ctx.session.actorId;
  const m = dataOf<MatchView & { escalations: { id: number; state: string; code: string; tier: string }[] }>(
    await ctx.deps.engine.call(actor, 'get_match', { match_id: id }),
  );
  const audit = dataOf<{ rows: AuditEventView[] }>(
    await ctx.deps.engine.call(actor, 'desk_search_audit', { match_id: id, page_size: 200 }),
  );
  return {
    ...matchView(m),
    escalations: m.escalations.map((e) => ({ id: e.id, state: e.state, code: e.code, tier: e.tier })),
    auditEvents: audit.rows.reverse(),
  };
}

export async function manualMatch(ctx: ApiContext): Promise<DecisionResult> {
  const body = validate(manualMatchBody, ctx.body);
  const reply = await ctx.deps.engine.call(ctx.session.actorId, 'propose_match', {
    entry_ids: body.entryIds,
    rationale: body.rationale,
    idempotency_key: key(),
  });
  return decisionOf(reply, ctx.session.actorId);
}

export async function listExceptions(ctx: ApiContext): Promise<ExceptionListResponse> {
  const q = validate(exceptionListQuery, queryObject(ctx.url));
  return dataOf<ExceptionListResponse>(
    await ctx.deps.engine.call(
      ctx.session.actorId,
      'desk_list_exceptions',
      defined({
        entity: q.entity,
        account: q.account,
        reason: q.reason,
        page: q.page,
        page_size: q.pageSize,
      }),
    ),
  );
}

/** Closes an exception with a reason, as the logged-in human (the engine's gate refuses any non-human). */
export async function resolveException(ctx: ApiContext): Promise<DecisionResult> {
  const body = validate(resolveExceptionBody, ctx.body);
  const reply = await ctx.deps.engine.call(
    ctx.session.actorId,
    'resolve_exception',
    defined({
      entry_id: body.entryId,
      exception_id: body.exceptionId,
      reason: body.reason,
      idempotency_key: key(),
    }),
  );
  return decisionOf(reply, ctx.session.actorId);
}

export async function reconStatus(ctx: ApiContext): Promise<ReconStatusResponse> {
  const s = dataOf<ReconStatusResponse & { lastRun: (ReconStatusResponse['lastRun'] & object) | null }>(
    await ctx.deps.engine.call(ctx.session.actorId, 'desk_recon_status', {}),
  );
  return {
    generatedAt: s.generatedAt,
    policyVersion: s.policyVersion,
    rows: s.rows,
    openEscalations: s.openEscalations,
    openExceptions: s.openExceptions,
    lastRun:
      s.lastRun === null
        ? null
        : {
            id: s.lastRun.id,
            state: s.lastRun.state,
            startedAt: s.lastRun.startedAt,
            finishedAt: s.lastRun.finishedAt,
          },
    auditHead: s.auditHead,
  };
}

interface EngineCalendar {
  origin: 'file' | 'default';
  calendar: { entities: { code: string; timeZone: string; currency?: string }[] };
  windowsUtc: {
    entity: string;
    period: string;
    opensLocal: string;
    closesLocal: string;
    opensUtc: string | null;
    closesUtc: string | null;
  }[];
  intercompanyPairs: [string, string][];
  conflicts: { kind: string; entities: [string, string]; period: string; detail: string }[];
  periods: { entity: string; period: string; state: 'open' | 'closing' | 'closed' }[];
}

export async function calendar(ctx: ApiContext): Promise<CalendarResponse> {
  const period = ctx.url.searchParams.get('period') ?? undefined;
  if (period !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(period))
    throw new ApiHttpError('INVALID_REQUEST', 'period must be YYYY-MM');
  const c = dataOf<EngineCalendar>(
    await ctx.deps.engine.call(ctx.session.actorId, 'desk_calendar', defined({ period })),
  );
  const states = new Map(c.periods.map((p) => [`${p.entity}|${p.period}`, p.state]));
  return {
    origin: c.origin,
    entities: c.calendar.entities,
    windows: c.windowsUtc.map((w) => ({
      entity: w.entity,
      period: w.period,
      opensLocal: w.opensLocal,
      closesLocal: w.closesLocal,
      opensUtc: w.opensUtc ?? '',
      closesUtc: w.closesUtc ?? '',
      periodState: states.get(`${w.entity}|${w.period}`) ?? 'open',
    })),
    intercompanyPairs: c.intercompanyPairs,
    conflicts: c.conflicts.map((x) => ({
      kind: x.kind,
      entities: x.entities,
      period: x.period,
      message: x.detail,
    })),
  };
}

export async function closeRequest(ctx: ApiContext): Promise<DecisionResult> {
  const body = validate(closeRequestBody, ctx.body);
  const reply = await ctx.deps.engine.call(ctx.session.actorId, 'close_period', {
    entity: body.entity,
    period: body.period,
    idempotency_key: key(),
  });
  return decisionOf(reply, ctx.session.actorId);
}
