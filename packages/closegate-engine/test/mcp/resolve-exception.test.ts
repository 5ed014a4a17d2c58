import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { verifyState } from '../../src/audit/replay/index.js';
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

let dbPath: string;
let server: HttpFixture;
let agent: Client;
let alice: Client;

beforeAll(async () => {
  dbPath = seededDb();
  server = await startHttp(dbPath, { CLOSEGATE_AUTH_BACKEND: 'token', CLOSEGATE_HTTP_TOKENS: TOKEN_ENV });
  agent = await httpClient(server.url, bearer(TOKENS.agent));
  alice = await httpClient(server.url, bearer(TOKENS.alice));
});
afterAll(async () => {
  await agent.close();
  await alice.close();
  await server.close();
  fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
});

/** An unmatched entry the agent flags as an exception over MCP. */
async function flaggedByAgent(): Promise<{ entryId: number; exceptionId: number }> {
  const e = inspect(dbPath);
  let entryId: number;
  try {
    entryId = e.context.store.entries.inState('unmatched').at(-1)!.id;
  } finally {
    e.close();
  }
  const f = await call(agent, 'flag_exception', {
    entry_id: entryId,
    reason: 'no counterpart',
    idempotency_key: key(),
  });
  expect(f.body).toMatchObject({ status: 'flagged' });
  return { entryId, exceptionId: f.body.exceptionId as number };
}

describe('resolve_exception over MCP', () => {
  it('the agent (llm:) is denied with the clause; a human resolves; the same key replays; replay of the audit agrees', async () => {
    const { entryId, exceptionId } = await flaggedByAgent();
    const denied = await call(agent, 'resolve_exception', {
      exception_id: exceptionId,
      reason: 'fine',
      idempotency_key: key(),
    });
    expect(denied.isError).toBe(true);
    expect(denied.body).toMatchObject({
      status: 'denied',
      clause: {
        code: 'EXCEPTION_RESOLUTION_REQUIRES_HUMAN',
        pointer: '/rules/exception_resolution_requires_human',
      },
    });

    const args = { entry_id: entryId, reason: 'timing difference, clears in April', idempotency_key: key() };
    const ok = await call(alice, 'resolve_exception', args);
    expect(ok.isError).toBe(false);
    expect(ok.body).toMatchObject({ status: 'resolved', entryId, exceptionId, state: 'unmatched' });
    const replay = await call(alice, 'resolve_exception', args);
    expect(replay.body).toMatchObject({ ...ok.body, replayed: true });

    const e = inspect(dbPath);
    try {
      expect(e.context.store.exceptions.get(exceptionId)).toMatchObject({
        state: 'resolved',
        resolvedBy: 'human:alice',
      });
      expect(e.queries.auditQuery({ type: 'EXCEPTION_RESOLVED' })).toHaveLength(1);
      expect(verifyState(e.context.store.db)).toMatchObject({ ok: true, differenceCount: 0 });
    } finally {
      e.close();
    }
  });

  it('takes no actor argument and needs a reason (invalid params, nothing resolved)', async () => {
    const { exceptionId } = await flaggedByAgent();
    for (const bad of [
      { exception_id: exceptionId, reason: 'x', actor: 'human:alice', idempotency_key: key() },
      { exception_id: exceptionId, idempotency_key: key() },
      { exception_id: exceptionId, reason: '', idempotency_key: key() },
    ]) {
      // refused before the handler: JSON-RPC -32602 (and an audited MCP_TOOL_CALL)
      await expect(call(alice, 'resolve_exception', bad)).rejects.toMatchObject({ code: -32602 });
    }
    const e = inspect(dbPath);
    try {
      expect(e.context.store.exceptions.get(exceptionId)!.state).toBe('open');
    } finally {
      e.close();
    }
  });
});
