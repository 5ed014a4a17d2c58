import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { verifyState } from 'closegate-engine';
import { EngineGateway } from '../../src/server/engine.js';
import { apiAs, oidcLogin, SERVICE_TOKEN, startStack, type Api, type Stack } from './helpers.js';

let stack: Stack;
let alice: Api;
let bob: Api;
let carol: Api;
let agent: Client;
let seq = 0;

/** The agent, straight on the engine as llm:recon-operator (how the agent service connects it). */
async function agentCall(name: string, args: Record<string, unknown>) {
  const r = (await agent.callTool({
    name,
    arguments: { ...args, idempotency_key: `t-${++seq}` },
  })) as CallToolResult;
  const text = r.content.find((c) => c.type === 'text');
  return {
    isError: r.isError === true,
    body: JSON.parse(text && 'text' in text ? text.text : 'null') as Record<string, unknown>,
  };
}

async function json<T = Record<string, unknown>>(res: Response, status = 200): Promise<T> {
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
}

beforeAll(async () => {
  stack = await startStack();
  alice = await apiAs(stack.service.url, (await oidcLogin(stack.service.url, 'alice')).jar);
  bob = await apiAs(stack.service.url, (await oidcLogin(stack.service.url, 'bob')).jar);
  carol = await apiAs(stack.service.url, (await oidcLogin(stack.service.url, 'carol')).jar);
  agent = new Client({ name: 'agent', version: '0' });
  await agent.connect(
    new StreamableHTTPClientTransport(new URL(stack.engine.url), {
      requestInit: {
        headers: { authorization: `Bearer ${SERVICE_TOKEN}`, 'x-actor-id': 'llm:recon-operator' },
      },
    }),
  );
}, 60_000);
afterAll(async () => {
  await agent?.close();
  await stack?.close();
});

describe('human decisions through /api reach the engine as that human', () => {
  it('alice approves an escalated match: the engine records human:alice, not the service', async () => {
    const inbox = await json<{ rows: { id: number; subjectKind: string }[]; total: number }>(
      await alice.get('/api/escalations?sort=id&order=asc&pageSize=5'),
    );
    expect(inbox.total).toBeGreaterThan(5);
    const id = inbox.rows.find((r) => r.subjectKind === 'match')!.id;
    const detail = await json<{
      canVote: boolean;
      match: { id: number; entries: unknown[] };
      clause: { code: string };
    }>(await alice.get(`/api/escalations/${id}`));
    expect(detail.canVote).toBe(true);
    expect(detail.match.entries.length).toBeGreaterThanOrEqual(2);
    expect((await alice.post(`/api/escalations/${id}/approve`, { rationale: '' })).status).toBe(400);
    const decision = await json<{ status: string; actor: string; auditSeq: number }>(
      await alice.post(`/api/escalations/${id}/approve`, {
        rationale: 'lines agree; checked the bank statement',
      }),
    );
    expect(decision).toMatchObject({ status: 'confirmed', actor: 'human:alice' });
    const engine = stack.engine.inspect();
    try {
      const match = engine.queries.match(detail.match.id);
      expect(match).toMatchObject({ state: 'confirmed', decidedBy: 'human:alice' });
      const calls = engine.queries
        .auditQuery({ type: 'MCP_TOOL_CALL', limit: 1000 })
        .filter((e) => e.payload.tool === 'resolve_escalation');
      expect(calls.map((e) => e.actor)).toEqual(['human:alice']);
    } finally {
      engine.close();
    }
    // and the audit browser shows it attributed to alice
    const audit = await json<{ rows: { actor: string; type: string }[] }>(
      await bob.get(`/api/audit?actor=human:alice&matchId=${detail.match.id}`),
    );
    expect(audit.rows.map((r) => r.type)).toContain('MATCH_CONFIRMED');
    expect(audit.rows.every((r) => r.actor === 'human:alice')).toBe(true);
    // deciding it again is a conflict, not a second confirmation
    expect((await alice.post(`/api/escalations/${id}/approve`, { rationale: 'again' })).status).toBe(409);
  });

  it('a manual match is proposed as the human, who then cannot confirm it (SoD); another human can', async () => {
    const proposed = await json<{ status: string; matchId: number; actor: string }>(
      await alice.post('/api/matches/manual', {
        entryIds: [59, 61],
        rationale: 'same invoice, bank fee deducted',
      }),
    );
    expect(proposed).toMatchObject({ status: 'proposed', actor: 'human:alice' });
    const match = await json<{ proposedBy: string; source: string }>(
      await bob.get(`/api/matches/${proposed.matchId}`),
    );
    expect(match).toMatchObject({ proposedBy: 'human:alice', source: 'human' });
    const esc = await agentCall('escalate_match', { match_id: proposed.matchId, reason: 'amounts differ' });
    expect(esc.isError).toBe(false);
    const escalationId = esc.body.escalationId as number;
    const mine = await json<{ canVote: boolean; cannotVoteReason: string }>(
      await alice.get(`/api/escalations/${escalationId}`),
    );
    expect(mine).toMatchObject({ canVote: false, cannotVoteReason: 'proposer' });
    // the server still decides: alice tries anyway and the engine's gate denies it with the clause
    const denied = await json<{
      error: { code: string; clause: { code: string; text: string; pointer: string } };
    }>(await alice.post(`/api/escalations/${escalationId}/approve`, { rationale: 'my own' }), 409);
    expect(denied.error.code).toBe('GATE_DENIED');
    expect(denied.error.clause.text.length).toBeGreaterThan(10);
    expect(denied.error.clause.pointer).toMatch(/^\/rules\//);
    const byBob = await json<{ status: string }>(
      await bob.post(`/api/escalations/${escalationId}/approve`, { rationale: 'reviewed the fee' }),
    );
    expect(['confirmed', 'escalated']).toContain(byBob.status);
  });

  it('an llm-proposed match cannot be approved by an llm; a human can, as that human', async () => {
    const p = await agentCall('propose_match', { entry_ids: [58, 60], rationale: 'looks related' });
    expect(p.isError).toBe(false);
    const matchId = p.body.matchId as number;
    const e = await agentCall('escalate_match', { match_id: matchId, reason: 'needs a human' });
    const escalationId = e.body.escalationId as number;
    const self = await agentCall('resolve_escalation', {
      escalation_id: escalationId,
      decision: 'approve',
      rationale: 'ok',
    });
    expect(self.isError).toBe(true);
    // the service never lets a non-human actor through its engine gateway
    const gw = new EngineGateway({ url: stack.engine.url, serviceToken: SERVICE_TOKEN });
    try {
      for (const actor of [
        'llm:recon-operator',
        'engine:autoconfirm',
        'human:alice\nx-actor-id: llm:x',
        'llm:human:alice',
      ])
        await expect(
          gw.call(actor, 'resolve_escalation', { escalation_id: escalationId }),
        ).rejects.toMatchObject({
          code: 'FORBIDDEN',
        });
    } finally {
      await gw.close();
    }
    const detail = await json<{ canVote: boolean }>(await carol.get(`/api/escalations/${escalationId}`));
    expect(detail.canVote).toBe(true);
    const ok = await json<{ actor: string }>(
      await carol.post(`/api/escalations/${escalationId}/reject`, { rationale: 'different invoices' }),
    );
    expect(ok.actor).toBe('human:carol');
    const engine = stack.engine.inspect();
    try {
      expect(engine.queries.match(matchId)).toMatchObject({ state: 'rejected', decidedBy: 'human:carol' });
    } finally {
      engine.close();
    }
  });

  it('a period close (T3) needs two humans other than the requester', async () => {
    const req = await json<{ status: string; escalationId: number }>(
      await alice.post('/api/periods/close-request', { entity: 'IN01', period: '2026-03' }),
    );
    expect(req.status).toBe('close_requested');
    const id = req.escalationId;
    const aliceView = await json<{ canVote: boolean; cannotVoteReason: string; votesRequired: number }>(
      await alice.get(`/api/escalations/${id}`),
    );
    expect(aliceView).toMatchObject({ canVote: false, cannotVoteReason: 'requester', votesRequired: 2 });
    const selfVote = await json<{ error: { code: string; clause: { code: string } } }>(
      await alice.post(`/api/escalations/${id}/approve`, { rationale: 'I asked for it' }),
      409,
    );
    expect(selfVote.error.code).toBe('GATE_DENIED');
    expect(
      (
        await json<{ status: string }>(
          await bob.post(`/api/escalations/${id}/approve`, { rationale: 'tied out' }),
        )
      ).status,
    ).toBe('vote_recorded');
    expect(await json(await bob.get(`/api/escalations/${id}`))).toMatchObject({
      canVote: false,
      cannotVoteReason: 'already_voted',
    });
    expect(
      (await bob.post(`/api/escalations/${id}/approve`, { rationale: 'twice' })).status,
    ).toBeGreaterThanOrEqual(400);
    expect(
      (
        await json<{ status: string }>(
          await carol.post(`/api/escalations/${id}/approve`, { rationale: 'ok' }),
        )
      ).status,
    ).toBe('closed');
    const cal = await json<{ windows: { entity: string; period: string; periodState: string }[] }>(
      await alice.get('/api/calendar?period=2026-03'),
    );
    expect(cal.windows.find((w) => w.entity === 'IN01')?.periodState).toBe('closed');
  });

  it('reads are attributed to the human too, and the status, exceptions and CSV endpoints answer', async () => {
    const status = await json<{ rows: { entity: string }[]; openEscalations: number }>(
      await bob.get('/api/recon/status'),
    );
    expect(status.rows.length).toBeGreaterThan(0);
    const ex = await json<{ rows: { entry: { id: number }; reasonCode: string }[] }>(
      await bob.get('/api/exceptions'),
    );
    expect(ex.rows.length).toBeGreaterThan(0);
    const csv = await bob.get('/api/audit.csv?actor=human:alice');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('seq,ts,actor,type,event_id,hash,payload');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((l) => l.split(',')[2] === 'human:alice')).toBe(true);
    const head = await json<{ head: { seq: number } }>(await bob.get('/api/audit/head'));
    expect(head.head.seq).toBeGreaterThan(0);
    const engine = stack.engine.inspect();
    try {
      const reads = engine.queries.auditQuery({ actor: 'human:bob', type: 'MCP_TOOL_CALL', limit: 1000 });
      expect(reads.map((e) => e.payload.tool)).toEqual(
        expect.arrayContaining(['desk_recon_status', 'desk_list_exceptions']),
      );
    } finally {
      engine.close();
    }
  });

  it('verifies the audit chain on request and reports the result', async () => {
    const started = await json<{ id: string; state: string }>(await bob.post('/api/audit/verify', {}), 202);
    let v = started;
    for (let i = 0; i < 50 && v.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      v = await json(await bob.get(`/api/audit/verify/${started.id}`));
    }
    expect(v).toMatchObject({ state: 'ok', startedBy: 'human:bob' });
  });

  it('alice resolves an exception with a reason through the engine as human:alice; the agent cannot', async () => {
    const inspect = stack.engine.inspect();
    let entryId: number;
    try {
      entryId = inspect.context.store.entries.inState('unmatched').at(-1)!.id;
    } finally {
      inspect.close();
    }
    const flagged = await agentCall('flag_exception', {
      entry_id: entryId,
      reason: 'no counterpart in the bank feed',
    });
    expect(flagged.body).toMatchObject({ status: 'flagged', entryId });
    const exceptionId = flagged.body.exceptionId as number;

    // the agent's own identity is refused by the gate, with the clause
    const byAgent = await agentCall('resolve_exception', {
      exception_id: exceptionId,
      reason: 'looks fine to me',
    });
    expect(byAgent.isError).toBe(true);
    expect(byAgent.body).toMatchObject({
      status: 'denied',
      clause: { code: 'EXCEPTION_RESOLUTION_REQUIRES_HUMAN' },
    });

    // a reason is required; one subject, not both; no actor field can be smuggled in
    for (const bad of [
      { entryId },
      { entryId, reason: '   ' },
      { entryId, exceptionId, reason: 'both' },
      { reason: 'neither' },
      { entryId, reason: 'x', actor: 'human:bob' },
    ]) {
      const res = await alice.post('/api/exceptions/resolve', bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }

    const done = await json<Record<string, unknown>>(
      await alice.post('/api/exceptions/resolve', { entryId, reason: 'bank fee, booked next period' }),
    );
    expect(done).toMatchObject({
      status: 'resolved',
      outcome: 'allow',
      actor: 'human:alice',
      entryId,
      exceptionId,
    });
    const again = await json<{ error: { code: string } }>(
      await bob.post('/api/exceptions/resolve', { exceptionId, reason: 'again' }),
      409,
    );
    expect(again.error.code).toBe('CONFLICT');

    const engine = stack.engine.inspect();
    try {
      expect(engine.context.store.exceptions.get(exceptionId)).toMatchObject({
        state: 'resolved',
        resolvedBy: 'human:alice',
        resolutionReason: 'bank fee, booked next period',
      });
      expect(engine.context.store.entries.get(entryId)!.state).toBe('unmatched');
      const [event] = engine.queries.auditQuery({ type: 'EXCEPTION_RESOLVED' });
      expect(event).toMatchObject({ seq: done.auditSeq, actor: 'human:alice' });
      const state = verifyState(engine.context.store.db);
      expect(state.differences, JSON.stringify(state.differences)).toEqual([]);
    } finally {
      engine.close();
    }
  });
});
