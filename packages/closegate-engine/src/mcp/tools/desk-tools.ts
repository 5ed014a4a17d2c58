import { z } from 'zod';
import type { Actor } from 'closegate-policy';
import type { Engine } from '../../engine.js';
import { calendarView } from '../calendar.js';
import { data } from '../context.js';
import { amountField, entityField, idField, periodField, strictArgs } from '../schemas.js';
import { defineTool } from './define.js';
import { auditPage, ESCALATION_SORTS, type EscalationSort } from '../../queries/desk.js';
import { cannotDecideReason, escalationContext } from '../../queries/desk-escalation.js';
import { escalationList, exceptionList, statusByPeriod } from '../../queries/desk-lists.js';
import { windowsUtc } from '../../queries/desk-sides.js';

/**
 * T0 reads for the reviewer desk: the inbox paged, filtered and sorted in SQL,
 * an escalation with everything a reviewer judges by, exceptions, status per
 * entity and period, audit search, and the calendar with period states.
 */

const pageField = z.number().int().min(1).max(1_000_000).optional().describe('Page number (default 1).');
const pageSizeField = (max: number) =>
  z.number().int().min(1).max(max).optional().describe(`Rows per page (default 50, max ${max}).`);
const isoTime = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'expected an ISO-8601 time');
const paging = (page: number | undefined, size: number | undefined, dflt = 50) => {
  const limit = size ?? dflt;
  return { limit, offset: ((page ?? 1) - 1) * limit, page: page ?? 1 };
};

function escalationDetail(engine: Engine, id: number, actor: Actor) {
  const context = escalationContext(engine.queries, engine.context.store.db, id, engine.context.policy);
  const reason = cannotDecideReason(context.escalation, context.proposer, actor);
  return { ...context, canDecide: reason === null, cannotDecideReason: reason };
}

export const deskTools = [
  defineTool({
    name: 'desk_list_escalations',
    tier: 'T0',
    title: 'Escalation inbox (paged)',
    description:
      'Open escalations, filtered, sorted and paged in the database: USD and local amount, entity, account, counterparty, clause code, proposer and age of each.',
    inputSchema: strictArgs({
      entity: entityField.optional(),
      account: entityField.optional(),
      tier: z.enum(['T2', 'T3']).optional(),
      clause: z
        .string()
        .regex(/^[A-Z0-9_]{1,80}$/)
        .optional(),
      min_age_days: z.number().int().min(0).max(100_000).optional(),
      min_amount_usd: amountField.optional(),
      max_amount_usd: amountField.optional(),
      sort: z.enum(Object.keys(ESCALATION_SORTS) as [EscalationSort, ...EscalationSort[]]).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      page: pageField,
      page_size: pageSizeField(200),
    }),
    handler: (args, { deps }) => {
      const { limit, offset, page } = paging(args.page, args.page_size);
      const { rows, total } = escalationList(deps.engine.context.store.db, deps.engine.context.now(), {
        entity: args.entity,
        account: args.account,
        tier: args.tier,
        clause: args.clause,
        minAgeDays: args.min_age_days,
        minAmountUsd: args.min_amount_usd,
        maxAmountUsd: args.max_amount_usd,
        sort: args.sort,
        order: args.order,
        offset,
        limit,
      });
      return data({ rows, total, page, pageSize: limit });
    },
  }),
  defineTool({
    name: 'desk_get_escalation',
    tier: 'T0',
    title: 'Escalation with full context',
    description:
      "An escalation with its match and both sides' lines, FX records, verbatim clause, pointer and policy version, proposer rationale, T3 votes, the audit events of the match, and whether you may decide it (and why not).",
    inputSchema: strictArgs({ escalation_id: idField }),
    handler: (args, { actor, deps }) => data(escalationDetail(deps.engine, args.escalation_id, actor)),
  }),
  defineTool({
    name: 'desk_list_exceptions',
    tier: 'T0',
    title: 'Exceptions (paged)',
    description:
      'Open exceptions with their line and reason, filtered by entity, account and reason code, paged.',
    inputSchema: strictArgs({
      entity: entityField.optional(),
      account: entityField.optional(),
      reason: z
        .string()
        .regex(/^[A-Za-z0-9_]{1,80}$/)
        .optional(),
      page: pageField,
      page_size: pageSizeField(200),
    }),
    handler: (args, { deps }) => {
      const { limit, offset, page } = paging(args.page, args.page_size);
      const engine = deps.engine;
      const result = exceptionList(engine.context.store, engine.context.now(), { ...args, offset, limit });
      return data({ ...result, page, pageSize: limit });
    },
  }),
  defineTool({
    name: 'desk_recon_status',
    tier: 'T0',
    title: 'Recon status per entity and period',
    description:
      'Per entity and period: counts and per-currency totals matched / proposed / escalated / exceptions / unmatched, auto-match rate and ageing of open items.',
    inputSchema: strictArgs({ entity: entityField.optional(), period: periodField.optional() }),
    handler: (args, { deps }) => {
      const rows = statusByPeriod(
        deps.engine.context.store,
        deps.engine.context.now(),
        args.entity,
        args.period,
      );
      const status = deps.engine.queries.status();
      return data({
        generatedAt: deps.engine.context.now().toISOString(),
        policyVersion: status.policyVersion,
        rows,
        openEscalations: status.openEscalations,
        openExceptions: status.openExceptions,
        lastRun: status.lastRun,
        auditHead: status.auditHead,
      });
    },
  }),
  defineTool({
    name: 'desk_search_audit',
    tier: 'T0',
    title: 'Audit search (paged)',
    description:
      'Audit events by actor, type, time range and match id, newest first, with the total for the filter (for paging and CSV export).',
    inputSchema: strictArgs({
      performed_by: z.string().min(1).max(80).optional().describe('Only events of this actor id.'),
      type: z
        .string()
        .regex(/^[A-Z_]{1,64}$/)
        .optional(),
      since: isoTime.optional(),
      until: isoTime.optional(),
      match_id: idField.optional(),
      page: pageField,
      page_size: pageSizeField(1000),
    }),
    transactional: false,
    handler: (args, { deps }) => {
      const { limit, offset, page } = paging(args.page, args.page_size, 100);
      const result = auditPage(deps.engine.context.store.db, {
        actor: args.performed_by,
        type: args.type,
        since: args.since,
        until: args.until,
        matchId: args.match_id,
        offset,
        limit,
      });
      return data({ ...result, page, pageSize: limit });
    },
  }),
  defineTool({
    name: 'desk_calendar',
    tier: 'T0',
    title: 'Close calendar with period states',
    description: 'The close calendar (windows, conflicts) plus the state of every entity period.',
    inputSchema: strictArgs({ period: periodField.optional() }),
    handler: (args, { deps }) => {
      const view = calendarView(deps.engine, deps.calendar, args.period);
      return data({
        ...view,
        windowsUtc: windowsUtc(view.calendar),
        periods: deps.engine.context.store.periods.list(),
      });
    },
  }),
  defineTool({
    name: 'desk_verify_audit',
    tier: 'T0',
    title: 'Verify the audit chain',
    description:
      'Walks the whole hash chain and reports ok with the count and head, or the first broken seq and why.',
    inputSchema: strictArgs({}),
    // a long read: never inside the tool's write transaction
    transactional: false,
    handler: (_args, { deps }) => data(deps.engine.queries.verifyAudit()),
  }),
];
