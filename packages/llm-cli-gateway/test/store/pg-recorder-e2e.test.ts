import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyLogs } from '../../src/cli/logs.js';
import { fakeEnv, tempDir } from '../helpers/env.js';
import { ALICE, testGateway } from '../helpers/gateway.js';
import { connectGateway, jsonOf } from '../helpers/mcp-client.js';
import { createTestDatabase, describePg, pgRows, type TestDatabase } from '../helpers/pg.js';
import { pgStoreFixture, type PgStoreFixture } from './pg-fixture.js';

/** The completion row is written right after the reply is sent: wait for it (bounded). */
async function completedRow(url: string, id: string): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 100; i++) {
    const rows = await pgRows<Record<string, unknown>>(
      url,
      'SELECT * FROM requests WHERE correlation_id = $1',
      [id],
    );
    if (rows[0]?.status !== 'running' && rows.length > 0) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  return pgRows<Record<string, unknown>>(url, 'SELECT * FROM requests WHERE correlation_id = $1', [id]);
}

describePg('a gateway on the PostgreSQL store, end to end over stdio', () => {
  let fx: PgStoreFixture;
  let fresh: TestDatabase;
  const tmp = tempDir();
  let env: NodeJS.ProcessEnv;
  let client: Client | undefined;

  beforeAll(async () => {
    [fx, fresh] = await Promise.all([pgStoreFixture(), createTestDatabase()]);
    env = fakeEnv(tmp.dir, { LLM_GATEWAY_DATABASE_URL: fx.gatewayUrl });
  });
  afterAll(async () => {
    await client?.close();
    await fx?.close();
    await fresh?.drop();
    tmp.cleanup();
  });

  it('serves claude_request with the fake CLI as the least-privilege role, the row landing in PostgreSQL', async () => {
    client = await connectGateway(env);
    const res = await client.callTool({ name: 'claude_request', arguments: { prompt: 'hello from e2e' } });
    expect(res.isError).toBeFalsy();
    const body = jsonOf<{ ok: boolean; correlationId: string; reply: string }>(res);
    expect(body.ok).toBe(true);

    const rows = await completedRow(fx.db.url, body.correlationId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      cli: 'claude',
      status: 'completed',
      prompt: 'hello from e2e',
      exit_code: 0,
    });
    expect(String(rows[0]!.owner)).toMatch(/^local:/);

    // The same row through the tools: the result by id, and the caller's own SQL.
    const again = await client.callTool({
      name: 'llm_request_result',
      arguments: { correlationId: body.correlationId },
    });
    expect(jsonOf<{ result: { reply: string } }>(again).result.reply).toBe(body.reply);
    const q = await client.callTool({
      name: 'flight_recorder_query',
      arguments: { sql: "SELECT count(*) AS n FROM requests WHERE cli = 'claude'" },
    });
    expect(q.isError).toBeFalsy();
    expect(jsonOf<{ rows: unknown[] }>(q).rows).toEqual([{ n: 1 }]);
    const refused = await client.callTool({
      name: 'flight_recorder_query',
      arguments: { sql: 'DELETE FROM recorder_starts' },
    });
    expect(refused.isError).toBe(true);

    // Sessions live in the database too; nothing of either lands in the local files.
    const s = await client.callTool({
      name: 'session_create',
      arguments: { cli: 'claude', description: 'e2e' },
    });
    const sid = jsonOf<{ session: { id: string } }>(s).session.id;
    expect(
      await pgRows<Record<string, unknown>>(fx.db.url, 'SELECT id FROM gateway_sessions WHERE id = $1', [
        sid,
      ]),
    ).toHaveLength(1);
    const home = env.LLM_GATEWAY_HOME!;
    expect(existsSync(join(home, 'sessions.json'))).toBe(false);
    expect(existsSync(join(home, 'logs.db'))).toBe(false);

    expect(await verifyLogs(env)).toMatchObject({ ok: true, requests: 1, chainEvents: 2 });
  });

  it('migrates an empty database at start-up when it runs as the owner', async () => {
    const ownerEnv = fakeEnv(tmp.dir, { LLM_GATEWAY_DATABASE_URL: fresh.url });
    const owner = await connectGateway(ownerEnv);
    try {
      const res = await owner.callTool({ name: 'claude_request', arguments: { prompt: 'first' } });
      expect(jsonOf<{ ok: boolean }>(res).ok).toBe(true);
    } finally {
      await owner.close();
    }
    await completedRow(
      fresh.url,
      String(
        (await pgRows<Record<string, unknown>>(fresh.url, 'SELECT correlation_id FROM requests'))[0]!
          .correlation_id,
      ),
    );
    const applied = await pgRows<Record<string, unknown>>(
      fresh.url,
      'SELECT component, max(version)::int AS v FROM gateway_schema_migrations GROUP BY component ORDER BY component',
    );
    expect(applied).toEqual(
      expect.arrayContaining([
        { component: 'recorder', v: 2 },
        { component: 'sessions', v: 1 },
      ]),
    );
    expect(
      await pgRows<Record<string, unknown>>(fresh.url, "SELECT status FROM requests WHERE prompt = 'first'"),
    ).toEqual([{ status: 'completed' }]);
  });
});

describePg('fail-closed on the PostgreSQL store', () => {
  it('does not start the CLI when the start row cannot be written (database unreachable)', async () => {
    const t = testGateway({ LLM_GATEWAY_DATABASE_URL: 'postgres://llmgw:pw@127.0.0.1:1/nowhere' });
    const marker = join(t.dir, 'marker');
    try {
      t.env.FAKE_CLI_MARKER = marker;
      await expect(t.gateway.ready).rejects.toThrow();
      const r = await t.gateway.service.run(ALICE, { provider: 'claude', prompt: 'hi', options: {} });
      expect(r.error).toMatchObject({
        code: 'RECORDER_FAILED',
        message: expect.stringMatching(/not started/),
      });
      expect(existsSync(marker)).toBe(false);
    } finally {
      await t.gateway.close();
      t.cleanup();
    }
  });
});
