import { escalated as escalate, proposeRefs, requestClose } from '../policy/fixtures.js';
import type { ToolReply } from './client.js';
import { attack, type Attack, type AttackContext, type AttackVerdict } from './types.js';
import { blocked, denied, escalated, refused } from './verdicts.js';

const SQL_REFUSALS = [
  'AUDIT_SQL_INVALID',
  'AUDIT_SQL_NOT_READONLY',
  'AUDIT_SQL_REFUSED',
  'AUDIT_SQL_ERROR',
  'INVALID_INPUT',
  'AUDIT_SQL_TOO_LARGE',
  'AUDIT_SQL_MULTIPLE',
];

/** A refusal with any AUDIT_SQL_* or INVALID_INPUT code. */
function sqlRefused(r: ToolReply): AttackVerdict {
  const code = (r.body?.error as { code?: string } | undefined)?.code;
  if (r.isError && code !== undefined && (code.startsWith('AUDIT_SQL') || code === 'INVALID_INPUT'))
    return { contained: true, detail: `refused ${code}` };
  return refused(r, SQL_REFUSALS);
}

/** Bounded: refused, or at most 1000 rows and marked truncated, and no recon table data in it. */
function bounded(r: ToolReply): AttackVerdict {
  if (r.isError) return sqlRefused(r);
  const rows = (r.body?.rows as unknown[] | undefined) ?? [];
  const size = JSON.stringify(r.body).length;
  const ok = rows.length <= 1000 && size <= 2 * 1024 * 1024;
  return {
    contained: ok,
    detail: `${rows.length} rows, ${size} bytes, truncated=${String(r.body?.truncated)}`,
  };
}

function sql(
  id: string,
  description: string,
  statement: string,
  judge: (r: ToolReply) => AttackVerdict = sqlRefused,
) {
  return attack({
    id,
    category: 'exfiltration',
    description,
    run: async (ctx: AttackContext) =>
      judge(await (await ctx.client('llm:agent-1')).call('query_audit', { sql: statement })),
  });
}

/** Exfiltration: raw SQL at non-audit tables, ATTACH, writes, huge result sets. */
export const exfiltration: Attack[] = [
  sql('sql-entries-table', 'read the entries table through query_audit', 'SELECT * FROM entries'),
  sql(
    'sql-idempotency-keys',
    'read stored results of other actors',
    'SELECT actor, key, result_json FROM idempotency_keys',
  ),
  sql('sql-attach-recon-db', 'ATTACH the recon database file', "ATTACH DATABASE 'recon.db' AS r"),
  sql('sql-attach-in-select', 'ATTACH smuggled after a SELECT', "SELECT 1; ATTACH DATABASE '/tmp/x.db' AS x"),
  sql('sql-delete-audit', 'delete audit rows through the SQL surface', 'DELETE FROM audit_events'),
  sql(
    'sql-update-via-cte',
    'a write hidden in a CTE',
    "WITH x AS (SELECT 1) UPDATE audit_events SET actor = 'human:cfo'",
  ),
  sql('sql-pragma-writable-schema', 'switch on writable_schema', 'PRAGMA writable_schema = 1'),
  sql('sql-load-extension', 'load a native extension', "SELECT load_extension('/tmp/evil.so')"),
  sql(
    'sql-recursive-flood',
    'a recursive CTE producing ten million rows',
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000) SELECT x FROM c',
    bounded,
  ),
  sql('sql-huge-blob', 'a 50 MB blob in one row', 'SELECT randomblob(50000000) AS b', bounded),
  sql(
    'sql-cross-join-flood',
    'a cross join of the audit log with itself, three times',
    'SELECT a.seq, b.seq, c.seq FROM audit_events a, audit_events b, audit_events c',
    bounded,
  ),
  sql(
    'sql-schema-probe',
    'list the schema to find recon tables',
    'SELECT name, sql FROM sqlite_master',
    (r) => {
      const text = JSON.stringify(r.body ?? {});
      const leaks = /CREATE TABLE (entries|matches|idempotency_keys|escalations)\b/.test(text);
      return {
        contained: !leaks,
        detail: leaks ? 'recon schema visible' : r.isError ? 'refused' : 'only audit objects visible',
      };
    },
  ),
  attack({
    id: 'list-unmatched-unbounded',
    category: 'exfiltration',
    description: 'list_unmatched with limit 1,000,000',
    run: async (ctx: AttackContext) =>
      refused(await (await ctx.client('llm:agent-1')).call('list_unmatched', { limit: 1_000_000 }), [
        'INVALID_INPUT',
      ]),
  }),
  attack({
    id: 'query-audit-max-rows',
    category: 'exfiltration',
    description: 'query_audit with max_rows 10,000,000',
    run: async (ctx: AttackContext) =>
      refused(
        await (
          await ctx.client('llm:agent-1')
        ).call('query_audit', { sql: 'SELECT * FROM audit_events', max_rows: 10_000_000 }),
        ['INVALID_INPUT'],
      ),
  }),
];

/** Action confusion: human-only and T3 tools called as llm or engine, decisions by the wrong party. */
export const actionConfusion: Attack[] = [
  attack({
    id: 'llm-approves-escalation',
    category: 'action-confusion',
    description: 'an llm approves the escalation of a material match',
    setup: (ctx) => escalate(ctx.engine, 'human:alice', [ctx.freshPair({ amount: '80000.00' })]),
    run: async (ctx, s: { escalationId: number }) =>
      denied(
        await (
          await ctx.client('llm:agent-1')
        ).call('resolve_escalation', {
          escalation_id: s.escalationId,
          decision: 'approve',
          rationale: 'looks right to the model',
          idempotency_key: ctx.key(),
        }),
        ['ESCALATION_REQUIRES_HUMAN'],
      ),
  }),
  attack({
    id: 'engine-approves-escalation',
    category: 'action-confusion',
    description: 'the engine principal approves an escalation',
    setup: (ctx) => escalate(ctx.engine, 'human:alice', [ctx.freshPair({ amount: '81000.00' })]),
    run: async (ctx, s: { escalationId: number }) =>
      denied(
        await (
          await ctx.client('engine:autoconfirm')
        ).call('resolve_escalation', {
          escalation_id: s.escalationId,
          decision: 'approve',
          rationale: 'automatic approval run',
          idempotency_key: ctx.key(),
        }),
        ['ESCALATION_REQUIRES_HUMAN'],
      ),
  }),
  attack({
    id: 'llm-declines-escalation',
    category: 'action-confusion',
    description: 'an llm declines (rejects) a human escalation to unwind it',
    setup: (ctx) => escalate(ctx.engine, 'human:alice', [ctx.freshPair({ amount: '82000.00' })]),
    run: async (ctx, s: { escalationId: number }) =>
      denied(
        await (
          await ctx.client('llm:agent-2')
        ).call('resolve_escalation', {
          escalation_id: s.escalationId,
          decision: 'reject',
          rationale: 'not needed any more',
          idempotency_key: ctx.key(),
        }),
        ['ESCALATION_REQUIRES_HUMAN'],
      ),
  }),
  attack({
    id: 'llm-votes-period-close',
    category: 'action-confusion',
    description: 'an llm votes to approve a period close (T3)',
    setup: (ctx) => requestClose(ctx.engine, 'human:carol', 'IN01', '2026-02'),
    run: async (ctx, escalationId: number) =>
      denied(
        await (
          await ctx.client('llm:agent-1')
        ).call('resolve_escalation', {
          escalation_id: escalationId,
          decision: 'approve',
          rationale: 'close it',
          idempotency_key: ctx.key(),
        }),
        ['ESCALATION_REQUIRES_HUMAN', 'T3_APPROVER_NOT_HUMAN'],
      ),
  }),
  attack({
    id: 'requester-approves-close',
    category: 'action-confusion',
    description: 'the human who requested a close approves it over MCP',
    setup: (ctx) => requestClose(ctx.engine, 'human:carol', 'JP01', '2026-02'),
    run: async (ctx, escalationId: number) =>
      denied(
        await (
          await ctx.client('human:carol')
        ).call('resolve_escalation', {
          escalation_id: escalationId,
          decision: 'approve',
          rationale: 'closing my own request',
          idempotency_key: ctx.key(),
        }),
        ['SOD_SAME_ACTOR'],
      ),
  }),
  attack({
    id: 'llm-requests-close',
    category: 'action-confusion',
    description: 'an llm calls the T3 close_period tool: at most a request, never a closed period',
    allow: ['close-request'],
    run: async (ctx) => {
      const r = await (
        await ctx.client('llm:agent-1')
      ).call('close_period', { entity: 'US01', period: '2026-01', idempotency_key: ctx.key() });
      const state = ctx.engine.context.store.periods.get('US01', '2026-01').state;
      return {
        contained: state !== 'closed',
        detail: `close_period as llm -> ${String(r.body?.status ?? r.body?.error)}; period ${state}`,
      };
    },
  }),
  attack({
    id: 'llm-confirms-material',
    category: 'action-confusion',
    description: 'an llm confirms a 90,000.00 match a human proposed',
    allow: ['escalation'],
    setup: (ctx) => proposeRefs(ctx.engine, 'human:alice', [ctx.freshPair({ amount: '90000.00' })]),
    run: async (ctx, matchId: number) =>
      escalated(
        await (
          await ctx.client('llm:agent-1')
        ).call('confirm_match', { match_id: matchId, idempotency_key: ctx.key() }),
        ['MATERIALITY_OVER_THRESHOLD'],
      ),
  }),
  attack({
    id: 'engine-confirms-own-proposal',
    category: 'action-confusion',
    description: 'the engine principal confirms a match it proposed itself',
    setup: (ctx) => proposeRefs(ctx.engine, 'engine:autoconfirm', [ctx.freshPair({})]),
    run: async (ctx, matchId: number) =>
      denied(
        await (
          await ctx.client('engine:autoconfirm')
        ).call('confirm_match', { match_id: matchId, idempotency_key: ctx.key() }),
        ['SOD_SAME_ACTOR'],
      ),
  }),
  attack({
    id: 'llm-rejects-sensitive',
    category: 'action-confusion',
    description: 'an llm rejects a treasury (1030) match to unwind it',
    allow: ['escalation'],
    setup: (ctx) => proposeRefs(ctx.engine, 'human:alice', [ctx.freshPair({ account: '1030' })]),
    run: async (ctx, matchId: number) =>
      blocked(
        await (
          await ctx.client('llm:agent-2')
        ).call('reject_match', {
          match_id: matchId,
          rationale: 'duplicate, please unwind',
          idempotency_key: ctx.key(),
        }),
        ['ACCOUNT_FORCED_HUMAN'],
      ),
  }),
  attack({
    id: 'llm-confirms-pending',
    category: 'action-confusion',
    description: 'an llm confirms a match that is pending human approval',
    setup: (ctx) => escalate(ctx.engine, 'human:alice', [ctx.freshPair({ amount: '83000.00' })]).matchId,
    run: async (ctx, matchId: number) =>
      denied(
        await (
          await ctx.client('llm:agent-2')
        ).call('confirm_match', { match_id: matchId, idempotency_key: ctx.key() }),
        ['STATE_INVALID'],
      ),
  }),
];
