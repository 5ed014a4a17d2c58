import { z } from 'zod';
import { AuditSqlSandbox, MAX_ROWS } from '../audit-sql/sandbox.js';
import { data } from '../context.js';
import { idField, strictArgs } from '../schemas.js';
import { defineTool } from './define.js';

const isoTime = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(Date.parse(v)), 'expected an ISO-8601 time');

const queryAuditArgs = strictArgs({
  performed_by: z
    .string()
    .min(1)
    .max(80)
    .optional()
    .describe('Only events recorded for this actor id (e.g. llm:agent-1).'),
  type: z
    .string()
    .regex(/^[A-Z_]{1,64}$/)
    .optional()
    .describe('Only events of this type (e.g. MCP_TOOL_CALL, POLICY_VIOLATION, MATCH_CONFIRMED).'),
  since: isoTime.optional().describe('Inclusive lower bound on the event time.'),
  until: isoTime.optional().describe('Exclusive upper bound on the event time.'),
  after_seq: z.number().int().min(0).optional().describe('Pagination cursor: events after this seq.'),
  limit: idField.max(1000).optional().describe('Maximum events (default 100, max 1000).'),
  sql: z
    .string()
    .min(1)
    .max(4000)
    .optional()
    .describe(
      `One read-only SELECT over the audit views (${AuditSqlSandbox.views.join(', ')}). Runs on a read-only connection to a database holding only audit data; results are capped.`,
    ),
  max_rows: idField.max(MAX_ROWS).optional().describe('Row cap for sql (default 200, max 1000).'),
}).refine((a) => a.sql === undefined || Object.keys(a).every((k) => k === 'sql' || k === 'max_rows'), {
  message: 'give either sql (with optional max_rows) or structured filters, not both',
});

export const auditTools = [
  defineTool({
    name: 'query_audit',
    tier: 'T0',
    title: 'Query the audit log',
    description:
      'Audit events by structured filters (performed_by, type, time range, seq cursor), or one read-only SQL query over the audit views. SQLite itself enforces read-only; other recon tables are not reachable.',
    inputSchema: queryAuditArgs,
    transactional: false,
    handler: async (args, { deps, principal }) => {
      if (args.sql !== undefined) {
        return data({
          mode: 'sql',
          ...(await deps.auditSql.query(args.sql, args.max_rows, undefined, principal.id)),
        });
      }
      const events = deps.engine.queries.auditQuery({
        actor: args.performed_by,
        type: args.type,
        since: args.since,
        until: args.until,
        afterSeq: args.after_seq,
        limit: args.limit,
      });
      return data({ mode: 'filter', events, count: events.length });
    },
  }),
];
