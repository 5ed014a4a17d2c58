import type { ApiContext } from '../context.js';
import { HANDLED } from '../context.js';
import {
  auditQuery,
  type AuditHeadResponse,
  type AuditListResponse,
  type AuditVerification,
} from '../contract.js';
import { dataOf } from '../engine-reply.js';
import { ApiHttpError } from '../errors.js';
import { defined, queryObject, validate } from '../validate.js';
import { SECURITY_HEADERS } from '../../server/respond.js';

/** Rows a CSV export holds at most (narrow the filter for more). */
export const CSV_MAX_ROWS = 100_000;
const CSV_PAGE = 1000;

function engineFilter(q: ReturnType<typeof auditQuery.parse>) {
  for (const t of [q.from, q.to])
    if (t !== undefined && Number.isNaN(Date.parse(t)))
      throw new ApiHttpError('INVALID_REQUEST', 'from/to must be ISO-8601 times');
  return defined({ performed_by: q.actor, type: q.type, since: q.from, until: q.to, match_id: q.matchId });
}

export async function searchAudit(ctx: ApiContext): Promise<AuditListResponse> {
  const q = validate(auditQuery, queryObject(ctx.url));
  return dataOf<AuditListResponse>(
    await ctx.deps.engine.call(ctx.session.actorId, 'desk_search_audit', {
      ...engineFilter(q),
      page: q.page,
      page_size: q.pageSize,
    }),
  );
}

/** RFC 4180 field; a leading = + - @ is prefixed so a spreadsheet never runs it as a formula. */
export function csvField(value: unknown): string {
  let s = typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = ['seq', 'ts', 'actor', 'type', 'event_id', 'hash', 'payload'] as const;

export async function auditCsv(ctx: ApiContext): Promise<typeof HANDLED> {
  const q = validate(auditQuery, queryObject(ctx.url));
  const filter = engineFilter(q);
  const lines = [CSV_COLUMNS.join(',')];
  for (let page = 1; (page - 1) * CSV_PAGE < CSV_MAX_ROWS; page++) {
    const out = dataOf<AuditListResponse>(
      await ctx.deps.engine.call(ctx.session.actorId, 'desk_search_audit', {
        ...filter,
        page,
        page_size: CSV_PAGE,
      }),
    );
    for (const e of out.rows)
      lines.push([e.seq, e.ts, e.actor, e.type, e.eventId, e.hash, e.payload].map(csvField).join(','));
    if (out.rows.length < CSV_PAGE) break;
  }
  const text = `${lines.join('\r\n')}\r\n`;
  ctx.res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': 'attachment; filename="closegate-audit.csv"',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
  });
  ctx.res.end(text);
  return HANDLED;
}

export async function auditHead(ctx: ApiContext): Promise<AuditHeadResponse> {
  const s = dataOf<{ auditHead: AuditHeadResponse['head'] }>(
    await ctx.deps.engine.call(ctx.session.actorId, 'get_recon_status', {}),
  );
  return { head: s.auditHead, lastVerification: ctx.deps.verifications.latest() };
}

type VerifyResult =
  | { ok: true; count: number }
  | { ok: false; brokenSeq: number; reason: string; message: string; count: number };

/**
 * Starts a chain verification in the engine (as the human who asked) and answers
 * at once; the desk polls GET /api/audit/verify/:id. A running one is joined.
 */
export async function startVerify(ctx: ApiContext): Promise<AuditVerification> {
  const running = ctx.deps.verifications.running();
  if (running !== undefined) return running;
  const actor = ctx.session.actorId;
  const head = dataOf<{ auditHead: { seq: number } | null }>(
    await ctx.deps.engine.call(actor, 'get_recon_status', {}),
  );
  const v = ctx.deps.verifications.start(actor, head.auditHead?.seq ?? 0, ctx.deps.now());
  ctx.res.statusCode = 202;
  void ctx.deps.engine
    .call(actor, 'desk_verify_audit', {})
    .then((reply) => {
      const r = dataOf<VerifyResult>(reply);
      v.checked = r.count;
      v.total = Math.max(v.total, r.count);
      if (r.ok) v.state = 'ok';
      else
        Object.assign(v, { state: 'broken', brokenSeq: r.brokenSeq, reason: r.reason, message: r.message });
    })
    .catch((err: unknown) => Object.assign(v, { state: 'failed', message: (err as Error).message }))
    .finally(() => (v.finishedAt = ctx.deps.now().toISOString()));
  return { ...v };
}

export function getVerify(ctx: ApiContext): Promise<AuditVerification> {
  const v = ctx.deps.verifications.get(ctx.params[0] ?? '');
  if (v === undefined) return Promise.reject(new ApiHttpError('NOT_FOUND', 'no such verification'));
  return Promise.resolve(v);
}
