import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Decimal } from 'closegate-policy';
import {
  bearer,
  call,
  httpClient,
  inspect,
  key,
  seededDb,
  startHttp,
  TOKEN_ENV,
  TOKENS,
  type HttpFixture,
} from './helpers.js';

const DESK_TOOLS = [
  'desk_list_escalations',
  'desk_get_escalation',
  'desk_list_exceptions',
  'desk_recon_status',
  'desk_search_audit',
  'desk_calendar',
  'desk_verify_audit',
];

let dbPath: string;
let server: HttpFixture;
let alice: Client;
let bob: Client;
let agent: Client;

interface InboxRow {
  id: number;
  entity: string | null;
  clauseCode: string;
  amountUsd: string | null;
  tier: string;
  subjectKind: string;
  proposer: string;
  ageDays: number;
}
const rowsOf = (body: Record<string, unknown>) => body.rows as InboxRow[];

beforeAll(async () => {
  dbPath = seededDb();
  server = await startHttp(dbPath, { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: TOKEN_ENV });
  alice = await httpClient(server.url, bearer(TOKENS.alice));
  bob = await httpClient(server.url, bearer(TOKENS.bob));
  agent = await httpClient(server.url, bearer(TOKENS.agent));
  expect((await call(agent, 'run_recon_pass', { idempotency_key: key() })).isError).toBe(false);
});
afterAll(async () => {
  await Promise.all([alice.close(), bob.close(), agent.close()]);
  await server.close();
});

describe('desk tools', () => {
  it('are T0 reads: listed read-only, without an idempotency key', async () => {
    const { tools } = await agent.listTools();
    for (const name of DESK_TOOLS) {
      const tool = tools.find((t) => t.name === name);
      expect(tool, name).toBeDefined();
      expect(tool!._meta?.['closegate/tier']).toBe('T0');
      expect(tool!.annotations?.readOnlyHint).toBe(true);
      expect(Object.keys(tool!.inputSchema.properties ?? {})).not.toContain('idempotency_key');
    }
  });

  it('pages the inbox in the database with a total, and pages do not overlap', async () => {
    const engine = inspect(dbPath);
    const open = engine.context.store.escalations.countOpen();
    engine.close();
    expect(open).toBeGreaterThan(10);
    const first = await call(alice, 'desk_list_escalations', {
      page: 1,
      page_size: 5,
      sort: 'id',
      order: 'asc',
    });
    const second = await call(alice, 'desk_list_escalations', {
      page: 2,
      page_size: 5,
      sort: 'id',
      order: 'asc',
    });
    expect(first.body.total).toBe(open);
    const ids1 = rowsOf(first.body).map((r) => r.id);
    const ids2 = rowsOf(second.body).map((r) => r.id);
    expect(ids1).toHaveLength(5);
    expect(ids2[0]!).toBeGreaterThan(ids1[4]!);
    const row = rowsOf(first.body)[0]!;
    expect(row).toMatchObject({ subjectKind: 'match', tier: 'T2' });
    expect(typeof row.amountUsd).toBe('string');
    expect(row.entity).toMatch(/^[A-Z0-9]+$/);
    expect(row.ageDays).toBeGreaterThanOrEqual(0);
  });

  it('sorts by USD amount and filters by entity, clause, amount and age', async () => {
    const sorted = rowsOf(
      (await call(alice, 'desk_list_escalations', { sort: 'amount_usd', order: 'desc', page_size: 200 }))
        .body,
    );
    for (let i = 1; i < sorted.length; i++)
      expect(new Decimal(sorted[i - 1]!.amountUsd!).gte(sorted[i]!.amountUsd!)).toBe(true);
    const entity = sorted[0]!.entity!;
    const byEntity = await call(alice, 'desk_list_escalations', { entity, page_size: 200 });
    expect(rowsOf(byEntity.body).length).toBeGreaterThan(0);
    expect(rowsOf(byEntity.body).every((r) => r.entity === entity)).toBe(true);
    const clause = sorted[0]!.clauseCode;
    const byClause = rowsOf((await call(alice, 'desk_list_escalations', { clause, page_size: 200 })).body);
    expect(byClause.every((r) => r.clauseCode === clause)).toBe(true);
    const min = sorted[Math.floor(sorted.length / 2)]!.amountUsd!;
    const big = rowsOf(
      (await call(alice, 'desk_list_escalations', { min_amount_usd: min, page_size: 200 })).body,
    );
    expect(big.length).toBeGreaterThan(0);
    expect(big.length).toBeLessThan(sorted.length);
    expect(big.every((r) => new Decimal(r.amountUsd!).gte(min))).toBe(true);
    const old = await call(alice, 'desk_list_escalations', { min_age_days: 5000 });
    expect(old.body.total).toBe(0);
    // a JSON number where an amount goes is refused, as everywhere in closegate
    // (schema errors are JSON-RPC -32602, answered before the dispatcher)
    const refusal = (args: Record<string, unknown>) =>
      alice.callTool({ name: 'desk_list_escalations', arguments: args }).then(
        () => undefined,
        (e: unknown) => (e as { code?: number }).code,
      );
    expect(await refusal({ min_amount_usd: 100 })).toBe(-32602);
    expect(await refusal({ sort: 'amount; DROP TABLE x' })).toBe(-32602);
  });

  it('gives an escalation with both sides, FX, clause, audit events and who may decide', async () => {
    const row = rowsOf((await call(alice, 'desk_list_escalations', { sort: 'id', order: 'asc' })).body)[0]!;
    const asAlice = (await call(alice, 'desk_get_escalation', { escalation_id: row.id })).body;
    const esc = asAlice.escalation as Record<string, unknown>;
    expect(esc.clauseText).toEqual(expect.any(String));
    expect(esc.clausePointer).toMatch(/^\/rules\//);
    expect(esc.policyVersion).toMatch(/^[0-9a-f]{64}$/);
    const match = asAlice.match as { id: number; entries: unknown[]; fx: unknown[]; proposedBy: string };
    expect(match.entries.length).toBeGreaterThanOrEqual(2);
    expect(asAlice.proposer).toBe(match.proposedBy);
    const sides = asAlice.sides as { left: { source: string }[]; right: { source: string }[] };
    expect(sides.left.length + sides.right.length).toBe(match.entries.length);
    expect(sides.left.length).toBeGreaterThan(0);
    expect(sides.right.length).toBeGreaterThan(0);
    expect(asAlice.varianceUsd).toMatch(/^-?\d+\.\d{2}$/);
    const events = asAlice.auditEvents as { type: string; payload: { matchId?: number }; seq: number }[];
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['MATCH_PROPOSED', 'MATCH_ESCALATED']));
    expect(events.every((e) => e.payload.matchId === match.id)).toBe(true);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(asAlice).toMatchObject({ canDecide: true, cannotDecideReason: null });
    const asAgent = (await call(agent, 'desk_get_escalation', { escalation_id: row.id })).body;
    expect(asAgent).toMatchObject({ canDecide: false, cannotDecideReason: 'not_human' });
    expect((await call(alice, 'desk_get_escalation', { escalation_id: 999999 })).body.error).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('says the requester of a period close and a human who voted cannot vote', async () => {
    const close = await call(alice, 'close_period', {
      entity: 'US01',
      period: '2026-03',
      idempotency_key: key(),
    });
    const escalationId = close.body.escalationId as number;
    expect(escalationId).toEqual(expect.any(Number));
    const mine = (await call(alice, 'desk_get_escalation', { escalation_id: escalationId })).body;
    expect(mine).toMatchObject({ canDecide: false, cannotDecideReason: 'requester', votesRequired: 2 });
    expect((await call(bob, 'desk_get_escalation', { escalation_id: escalationId })).body.canDecide).toBe(
      true,
    );
    const vote = await call(bob, 'resolve_escalation', {
      escalation_id: escalationId,
      decision: 'approve',
      rationale: 'reviewed',
      idempotency_key: key(),
    });
    expect(vote.isError).toBe(false);
    const after = (await call(bob, 'desk_get_escalation', { escalation_id: escalationId })).body;
    expect(after).toMatchObject({ canDecide: false, cannotDecideReason: 'already_voted' });
    expect((after.escalation as { votes: { actor: string }[] }).votes.map((v) => v.actor)).toEqual([
      'human:bob',
    ]);
    const inbox = rowsOf((await call(alice, 'desk_list_escalations', { tier: 'T3' })).body);
    expect(inbox.map((r) => r.id)).toContain(escalationId);
    expect(inbox.find((r) => r.id === escalationId)).toMatchObject({ entity: 'US01', amountUsd: null });
  });

  it('pages exceptions with their lines and reasons', async () => {
    const all = (await call(alice, 'desk_list_exceptions', { page_size: 200 })).body;
    const rows = all.rows as { entry: { id: number; entity: string }; reasonCode: string; entryId: number }[];
    expect(all.total).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.entry.id === r.entryId && r.reasonCode.length > 0)).toBe(true);
    const entity = rows[0]!.entry.entity;
    const filtered = (await call(alice, 'desk_list_exceptions', { entity })).body.rows as typeof rows;
    expect(filtered.every((r) => r.entry.entity === entity)).toBe(true);
  });

  it('reports status per entity and period whose counts add up to the book', async () => {
    const body = (await call(alice, 'desk_recon_status', {})).body;
    const rows = body.rows as {
      entity: string;
      matched: { count: number; totals: Record<string, string> };
      [k: string]: unknown;
    }[];
    const engine = inspect(dbPath);
    const byState = engine.context.store.entries.countByState();
    engine.close();
    const buckets = ['matched', 'proposed', 'escalated', 'exceptions', 'unmatched'];
    const total = rows.reduce(
      (n, r) => n + buckets.reduce((m, b) => m + (r[b] as { count: number }).count, 0),
      0,
    );
    expect(total).toBe(Object.values(byState).reduce((a, b) => a + b, 0));
    expect(rows.reduce((n, r) => n + r.matched.count, 0)).toBe(byState.matched);
    for (const r of rows) for (const v of Object.values(r.matched.totals)) expect(typeof v).toBe('string');
    expect(rows[0]!.autoMatchRate).toMatch(/^\d(\.\d{4})?$/);
  });

  it('searches the audit by actor, type and match id with totals', async () => {
    const byBob = (await call(alice, 'desk_search_audit', { performed_by: 'human:bob', page_size: 1000 }))
      .body;
    const rows = byBob.rows as { actor: string; type: string; seq: number }[];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.actor === 'human:bob')).toBe(true);
    expect(byBob.total).toBe(rows.length);
    const paged = (await call(alice, 'desk_search_audit', { type: 'MATCH_PROPOSED', page_size: 3 })).body;
    const proposed = paged.rows as { seq: number; type: string; payload: { matchId: number } }[];
    expect(proposed).toHaveLength(3);
    expect(proposed[0]!.seq).toBeGreaterThan(proposed[1]!.seq);
    expect(paged.total as number).toBeGreaterThan(3);
    const matchId = proposed[0]!.payload.matchId;
    const ofMatch = (await call(alice, 'desk_search_audit', { match_id: matchId })).body.rows as {
      payload: { matchId: number };
    }[];
    expect(ofMatch.length).toBeGreaterThan(0);
    expect(ofMatch.every((e) => e.payload.matchId === matchId)).toBe(true);
    const future = (await call(alice, 'desk_search_audit', { since: '2999-01-01T00:00:00Z' })).body;
    expect(future.total).toBe(0);
  });

  it('gives the calendar with period states', async () => {
    const body = (await call(alice, 'desk_calendar', {})).body;
    expect((body.calendar as { windows: unknown[] }).windows.length).toBeGreaterThan(0);
    const utc = body.windowsUtc as { opensUtc: string; closesUtc: string }[];
    expect(utc.length).toBeGreaterThan(0);
    expect(Date.parse(utc[0]!.closesUtc)).toBeGreaterThan(Date.parse(utc[0]!.opensUtc));
    expect(body.periods).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity: 'US01', period: '2026-03', state: 'closing' }),
      ]),
    );
  });

  it('verifies the audit chain', async () => {
    const body = (await call(alice, 'desk_verify_audit', {})).body;
    expect(body).toMatchObject({ ok: true });
    expect(body.count as number).toBeGreaterThan(0);
  });
});
