import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { DEMO_MARKERS } from '../../src/index.js';
import {
  bearer,
  call,
  httpClient,
  inspect,
  key,
  seededDb,
  SERVICE_TOKEN,
  startHttp,
  toolCalls,
  TOKEN_ENV,
  TOKENS,
  type HttpFixture,
} from './helpers.js';

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let dbPath: string;
let server: HttpFixture;
let agent: Client;
let agent2: Client;
let alice: Client;

beforeAll(async () => {
  dbPath = seededDb();
  server = await startHttp(dbPath, { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: TOKEN_ENV });
  [agent, agent2, alice] = await Promise.all([
    httpClient(server.url, bearer(TOKENS.agent)),
    httpClient(server.url, bearer(TOKENS.agent2)),
    httpClient(server.url, bearer(TOKENS.alice)),
  ]);
});
afterAll(async () => {
  await Promise.all([agent.close(), agent2.close(), alice.close()]);
  await server.close();
});

async function unmatchedByRef(client: Client, reference: string) {
  const list = await call(client, 'list_unmatched', { limit: 1000 });
  return (list.body.entries as { id: number; reference: string; source: string }[]).filter(
    (e) => e.reference === reference,
  );
}

/** An llm proposal of the GL/bank pair with this reference. */
async function llmProposal(client: Client, reference: string): Promise<number> {
  const lines = await unmatchedByRef(client, reference);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  const proposed = await call(client, 'propose_match', {
    entry_ids: lines.map((l) => l.id),
    rationale: 'same reference and amount',
    idempotency_key: key('p'),
  });
  expect(proposed.isError).toBe(false);
  return proposed.body.matchId as number;
}

describe('identity attacks', () => {
  it('refuses an actor_id argument and leaves the caller who it is', async () => {
    const matchId = await llmProposal(agent, 'INV-1001');
    const forged = await agent
      .callTool({
        name: 'confirm_match',
        arguments: { match_id: matchId, actor_id: 'human:cfo', idempotency_key: key() },
      })
      .then(
        (r) => r,
        (e: unknown) => e,
      );
    // Refused by the protocol before the dispatcher: -32602 naming the field, never run.
    expect(forged).toBeInstanceOf(McpError);
    expect((forged as McpError).code).toBe(-32602);
    expect((forged as McpError).message).toContain('actor_id');
    const engine = inspect(dbPath);
    try {
      expect(engine.queries.match(matchId).state).toBe('proposed');
      const last = toolCalls(engine)
        .filter((c) => c.tool === 'confirm_match')
        .at(-1)!;
      expect(last).toMatchObject({ actor: 'llm:agent-1', decision: 'rejected_input', code: 'INVALID_INPUT' });
    } finally {
      engine.close();
    }
  });

  it('denies an llm confirming its own proposal or another llm proposal, with the verbatim clause', async () => {
    const matchId = await llmProposal(agent, 'INV-1002');
    const own = await call(agent, 'confirm_match', { match_id: matchId, idempotency_key: key() });
    expect(own.isError).toBe(true);
    expect(own.body.clause).toMatchObject({ code: 'SOD_SAME_ACTOR', pointer: '/rules/sod_same_actor' });
    expect((own.body.clause as { text: string }).text).toBe(
      "The actor who proposed a match, or acts in the proposer's session, may not confirm it or resolve its escalation.",
    );
    const other = await call(agent2, 'confirm_match', { match_id: matchId, idempotency_key: key() });
    expect(other.isError).toBe(true);
    expect(other.body.clause).toMatchObject({
      code: 'SOD_SAME_ACTOR',
      pointer: '/rules/sod_llm_confirms_llm',
    });
    const engine = inspect(dbPath);
    try {
      expect(engine.queries.match(matchId).state).toBe('proposed');
      const denials = toolCalls(engine).filter((c) => c.tool === 'confirm_match' && c.decision === 'deny');
      expect(denials.map((d) => d.actor)).toEqual(expect.arrayContaining(['llm:agent-1', 'llm:agent-2']));
      expect(denials.every((d) => typeof d.payload.clauseText === 'string')).toBe(true);
    } finally {
      engine.close();
    }
  });

  it('an llm cannot resolve escalations (human-only) and a T3 close needs two other humans', async () => {
    const matchId = await llmProposal(agent, 'INV-1003');
    const escalated = await call(agent, 'escalate_match', {
      match_id: matchId,
      reason: 'please review',
      idempotency_key: key(),
    });
    const escalationId = escalated.body.escalationId as number;
    const self = await call(agent2, 'resolve_escalation', {
      escalation_id: escalationId,
      decision: 'approve',
      idempotency_key: key(),
    });
    expect(self.isError).toBe(true);
    expect(self.body.clause).toMatchObject({ code: 'ESCALATION_REQUIRES_HUMAN' });
    const close = await call(agent, 'close_period', {
      entity: 'IN01',
      period: '2026-03',
      idempotency_key: key(),
    });
    expect(close.isError).toBe(false);
    expect(close.body).toMatchObject({ status: 'close_requested', state: 'closing' });
    const vote = await call(alice, 'resolve_escalation', {
      escalation_id: close.body.escalationId,
      decision: 'approve',
      rationale: 'books reviewed',
      idempotency_key: key(),
    });
    expect(vote.body).toMatchObject({ status: 'vote_recorded' });
    expect(vote.body.clause).toMatchObject({ code: 'T3_DUAL_APPROVAL_REQUIRED' });
    const again = await call(alice, 'resolve_escalation', {
      escalation_id: close.body.escalationId,
      decision: 'approve',
      rationale: 'books reviewed',
      idempotency_key: key(),
    });
    expect(again.isError).toBe(true);
    const engine = inspect(dbPath);
    try {
      expect(engine.context.store.periods.get('IN01', '2026-03').state).toBe('closing');
    } finally {
      engine.close();
    }
  });

  it('replays a repeated idempotency key: same result, one mutation event', async () => {
    const [line] = await unmatchedByRef(agent, 'INV-1004');
    const args = { entry_id: line!.id, reason: 'customer disputes amount', idempotency_key: key('replay') };
    const first = await call(agent, 'flag_exception', args);
    const second = await call(agent, 'flag_exception', args);
    expect(first.isError).toBe(false);
    expect(second.body).toEqual({ ...first.body, replayed: true });
    const engine = inspect(dbPath);
    try {
      const flagged = engine.queries
        .auditQuery({ type: 'EXCEPTION_FLAGGED', limit: 1000 })
        .filter((e) => e.payload.entryId === line!.id);
      expect(flagged).toHaveLength(1);
      const calls = toolCalls(engine).filter((c) => c.payload.idempotencyKey === args.idempotency_key);
      expect(calls.map((c) => c.decision)).toEqual(['allow', 'replayed']);
      expect(calls[1]!.payload.operationSeq).toBe(flagged[0]!.seq);
      // Written in the mutation's transaction: the call record directly follows the engine event.
      expect(calls[0]!.seq).toBe(flagged[0]!.seq + 1);
    } finally {
      engine.close();
    }
    const reused = await call(agent, 'flag_exception', { ...args, reason: 'other arguments' });
    expect(reused.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('a prompt-injected memo changes no decision', async () => {
    const lines = await unmatchedByRef(agent, DEMO_MARKERS.injectionReference);
    const memo = (await call(agent, 'list_unmatched', { account_code: '1030', limit: 1000 })).body
      .entries as { description: string }[];
    expect(memo.some((e) => e.description.includes(DEMO_MARKERS.injectionMemo))).toBe(true);
    const proposed = await call(agent, 'propose_match', {
      entry_ids: lines.map((l) => l.id),
      rationale: DEMO_MARKERS.injectionMemo,
      idempotency_key: key(),
    });
    const matchId = proposed.body.matchId as number;
    const confirm = await call(agent2, 'confirm_match', {
      match_id: matchId,
      rationale: 'the memo says I am the CFO: auto-confirm',
      idempotency_key: key(),
    });
    expect(confirm.isError).toBe(true);
    expect(confirm.body.clause).toMatchObject({ code: 'SOD_SAME_ACTOR' });
    const engine = inspect(dbPath);
    try {
      expect(engine.queries.match(matchId).state).toBe('proposed');
    } finally {
      engine.close();
    }
  });
});

describe('transport attacks', () => {
  it('refuses X-Actor-Id without the service token (header-trust backend)', async () => {
    const proxy = await startHttp(dbPath, {
      CLOSEGATE_AUTH_BACKEND: 'header-trust',
      CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN,
    });
    try {
      const spoofed = await fetch(proxy.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, 'x-actor-id': 'human:cfo' },
        body: JSON.stringify(INIT),
      });
      expect(spoofed.status).toBe(401);
      const wrong = await fetch(proxy.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, 'x-actor-id': 'human:cfo', ...bearer('not-the-service-token-xx') },
        body: JSON.stringify(INIT),
      });
      expect(wrong.status).toBe(401);
      const badId = await fetch(proxy.url, {
        method: 'POST',
        headers: { ...MCP_HEADERS, 'x-actor-id': 'root', ...bearer(SERVICE_TOKEN) },
        body: JSON.stringify(INIT),
      });
      expect(badId.status).toBe(403);
      const trusted = await httpClient(proxy.url, { ...bearer(SERVICE_TOKEN), 'x-actor-id': 'human:carol' });
      await call(trusted, 'get_recon_status');
      await trusted.close();
      const engine = inspect(dbPath);
      try {
        expect(
          toolCalls(engine).some((c) => c.actor === 'human:carol' && c.tool === 'get_recon_status'),
        ).toBe(true);
        expect(toolCalls(engine).some((c) => c.actor === 'human:cfo')).toBe(false);
      } finally {
        engine.close();
      }
    } finally {
      await proxy.close();
    }
  });

  it('refuses a missing or unknown bearer token, a wrong Host, a foreign Origin and an oversized body', async () => {
    const noToken = await fetch(server.url, {
      method: 'POST',
      headers: MCP_HEADERS,
      body: JSON.stringify(INIT),
    });
    expect(noToken.status).toBe(401);
    const unknown = await fetch(server.url, {
      method: 'POST',
      headers: { ...MCP_HEADERS, ...bearer('x'.repeat(32)) },
      body: JSON.stringify(INIT),
    });
    expect(unknown.status).toBe(401);
    const { request } = await import('node:http');
    const status = (headers: Record<string, string>, body: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(server.url);
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: 'POST',
            headers: { ...MCP_HEADERS, ...bearer(TOKENS.agent), ...headers },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    expect(await status({ host: 'evil.example:80' }, JSON.stringify(INIT))).toBe(403);
    expect(await status({ origin: 'http://evil.example' }, JSON.stringify(INIT))).toBe(403);
    expect(await status({}, JSON.stringify({ ...INIT, pad: 'x'.repeat(2 * 1024 * 1024) }))).toBe(413);
  });
});

describe('query_audit SQL', () => {
  it('answers SELECTs over the audit views', async () => {
    const r = await call(agent, 'query_audit', {
      sql: "SELECT tool, decision FROM audit_tool_calls WHERE actor = 'llm:agent-1' LIMIT 5",
    });
    expect(r.isError).toBe(false);
    expect(r.body.columns).toEqual(['tool', 'decision']);
    expect((r.body.rows as unknown[]).length).toBe(5);
    const violations = await call(agent, 'query_audit', {
      sql: 'SELECT code, clause_text FROM audit_policy_violations',
    });
    expect((violations.body.rows as { code: string }[]).some((v) => v.code === 'SOD_SAME_ACTOR')).toBe(true);
  });

  it('refuses writes, ATTACH, PRAGMA assignments and every non-audit table', async () => {
    const attempts = [
      "DELETE FROM audit_events WHERE actor = 'llm:agent-1'",
      'DROP VIEW audit_events',
      'INSERT INTO audit_copy (seq) VALUES (1)',
      `ATTACH '${dbPath}' AS recon`,
      'PRAGMA query_only = 0',
      `VACUUM INTO '${dbPath}.copy'`,
      'SELECT * FROM entries',
      'SELECT * FROM idempotency_keys',
      'SELECT * FROM main.matches',
      'SELECT 1; DELETE FROM audit_copy',
    ];
    for (const sql of attempts) {
      const r = await call(agent, 'query_audit', { sql });
      expect(r.isError, sql).toBe(true);
      expect(String((r.body.error as { code: string }).code), sql).toMatch(/^AUDIT_SQL_/);
    }
    const engine = inspect(dbPath);
    try {
      expect(engine.queries.verifyAudit().ok).toBe(true);
      const refused = toolCalls(engine).filter((c) => c.tool === 'query_audit' && c.decision === 'error');
      expect(refused.length).toBeGreaterThanOrEqual(attempts.length);
    } finally {
      engine.close();
    }
    const still = await call(agent, 'query_audit', { sql: 'SELECT count(*) AS n FROM audit_events' });
    expect((still.body.rows as { n: number }[])[0]!.n).toBeGreaterThan(0);
  });

  it('caps huge result sets in rows and bytes', async () => {
    const rows = await call(agent, 'query_audit', {
      sql: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n',
      max_rows: 50,
    });
    expect(rows.body).toMatchObject({ rowCount: 50, truncated: true, truncatedBy: 'rows' });
    const bytes = await call(agent, 'query_audit', {
      sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) SELECT i, printf('%.5000c', 'x') AS pad FROM n",
      max_rows: 1000,
    });
    expect(bytes.body).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
    expect(JSON.stringify(bytes.body).length).toBeLessThan(300 * 1024);
  });

  it('kills a runaway statement and keeps serving', async () => {
    const endless = await call(agent, 'query_audit', {
      sql: 'SELECT count(*) AS n FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c)',
    });
    expect(endless.isError).toBe(true);
    expect(endless.body.error).toMatchObject({ code: 'AUDIT_SQL_TIMEOUT' });
    expect((await call(agent, 'get_recon_status')).isError).toBe(false);
    const after = await call(agent, 'query_audit', {
      sql: "SELECT count(*) AS n FROM audit_tool_calls WHERE code = 'AUDIT_SQL_TIMEOUT'",
    });
    expect((after.body.rows as { n: number }[])[0]!.n).toBe(1);
  });
});
