import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { PgFlightRecorder, verifyPgRecorder } from '../../src/recorder/pg-recorder.js';
import { openPgPool, type PgPool } from '../../src/store/pg/pool.js';
import { verifyLogs } from '../../src/cli/logs.js';
import { fakeEnv, tempDir } from '../helpers/env.js';
import { describePg } from '../helpers/pg.js';
import { recordRequest } from '../helpers/recorder.js';
import { gatewayRecorder, usePgStoreFixture, type PgStoreFixture } from './pg-fixture.js';

const ALICE = 'http:alice';
const BOB = 'http:bob';

describePg('flight recorder on PostgreSQL', () => {
  let fx: PgStoreFixture;
  let pool: PgPool;
  let rec: PgFlightRecorder;

  const suite = usePgStoreFixture();
  beforeAll(() => {
    fx = suite.fx;
    pool = suite.gatewayPool();
    rec = gatewayRecorder(fx, pool, { knownSecrets: ['sekrit-value-123'] });
  });

  async function record(owner: string, prompt: string, response = 'ok'): Promise<string> {
    return recordRequest(rec, { owner, transport: 'http', cli: 'claude', prompt }, (id) => ({
      response,
      providerSessionId: `ps-${id}`,
      usage: { inputTokens: 3, outputTokens: 5 },
      costUsd: '0.0012',
    }));
  }

  it('writes a start and one completion per request, redacted, readable only by its owner', async () => {
    const id = await record(ALICE, 'hello sekrit-value-123');
    const row = await rec.get(id, ALICE);
    expect(row).toMatchObject({
      correlation_id: id,
      owner: ALICE,
      status: 'completed',
      prompt: 'hello [REDACTED:credential]',
      duration_ms: 12,
      input_tokens: 3,
      cost_usd: '0.0012',
    });
    expect(await rec.get(id, BOB)).toBeUndefined();
    expect(await rec.ownsProviderSession(ALICE, 'claude', `ps-${id}`)).toBe(true);
    expect(await rec.ownsProviderSession(BOB, 'claude', `ps-${id}`)).toBe(false);
    // A second completion, another owner's completion, or one without a start write nothing.
    await rec.complete(id, ALICE, { status: 'failed', durationMs: 1, exitCode: 1 });
    await rec.complete(id, BOB, { status: 'failed', durationMs: 1, exitCode: 1 });
    await rec.complete(randomUUID(), ALICE, { status: 'failed', durationMs: 1, exitCode: 1 });
    expect((await rec.get(id, ALICE))!.status).toBe('completed');
    // PostgreSQL text holds no NUL: stored (and chained) escaped, as the prompt already is on SQLite.
    const nul = await record(ALICE, 'a\0b', 'c\0d');
    expect(await rec.get(nul, ALICE)).toMatchObject({ prompt: 'a\\0b', response: 'c\\0d' });
    expect(await rec.verify()).toMatchObject({ ok: true });
  });

  it('is append-only under the gateway role: no UPDATE, DELETE or TRUNCATE', async () => {
    await record(ALICE, 'p');
    for (const sql of [
      "UPDATE recorder_starts SET prompt = 'x'",
      'DELETE FROM recorder_starts',
      'TRUNCATE recorder_starts CASCADE',
      "UPDATE recorder_completions SET response = 'x'",
      'DELETE FROM recorder_completions',
      'TRUNCATE recorder_completions',
      "UPDATE recorder_chain SET payload = '{}'",
      'DELETE FROM recorder_chain',
      'TRUNCATE recorder_chain',
      "UPDATE requests SET prompt = 'x'",
      'DELETE FROM requests',
      'ALTER TABLE recorder_starts DISABLE TRIGGER ALL',
      'DROP TRIGGER recorder_starts_no_change ON recorder_starts',
    ]) {
      await expect(pool.query(sql), sql).rejects.toThrow(
        /permission denied|must be owner|cannot (update|delete)/,
      );
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE even for the owner, through the triggers', async () => {
    for (const sql of [
      "UPDATE recorder_starts SET prompt = 'x'",
      'DELETE FROM recorder_completions',
      'TRUNCATE recorder_chain',
    ]) {
      await expect(fx.admin.query(sql), sql).rejects.toThrow(/append-only/);
    }
  });

  it('keeps one chain across instances appending at once', async () => {
    const other = openPgPool(fx.gatewayUrl, { max: 4 });
    const rec2 = new PgFlightRecorder(other, { displayUrl: '', queryUrl: '' });
    try {
      const before = await verifyPgRecorder(pool);
      await Promise.all(
        Array.from<unknown, Promise<unknown>>({ length: 20 }, (_, i) =>
          i % 2 === 0 ? record(ALICE, `a${i}`) : record(BOB, `b${i}`),
        ).concat(
          Array.from({ length: 10 }, async (_, i) => {
            const id = randomUUID();
            await rec2.start({
              correlationId: id,
              owner: BOB,
              transport: 'http',
              cli: 'codex',
              prompt: `c${i}`,
            });
            await rec2.complete(id, BOB, { status: 'failed', durationMs: 1, exitCode: 2, error: 'boom' });
          }),
        ),
      );
      const after = await verifyPgRecorder(pool);
      expect(after).toMatchObject({
        ok: true,
        requests: before.requests + 30,
        chainEvents: before.chainEvents + 60,
      });
    } finally {
      await other.end();
    }
  });

  /** Tampers as the superuser with triggers off (what an attacker with the owner's rights could do). */
  async function tamper(sql: string, values: unknown[] = []): Promise<void> {
    const c = await fx.admin.connect();
    try {
      await c.query('SET session_replication_role = replica');
      await c.query(sql, values);
    } finally {
      await c.query('RESET session_replication_role');
      c.release();
    }
  }

  it('`verify` detects an edited, deleted or forged row and a broken chain', async () => {
    const id = await record(ALICE, 'original prompt', 'original answer');
    expect(await rec.verify()).toMatchObject({ ok: true });

    await tamper("UPDATE recorder_starts SET prompt = 'edited' WHERE correlation_id = $1", [id]);
    // What `llm-cli-gateway logs verify` reports, from the configuration.
    const home = tempDir();
    try {
      const env = fakeEnv(home.dir, { LLM_GATEWAY_DATABASE_URL: fx.gatewayUrl });
      expect(await verifyLogs(env)).toMatchObject({
        ok: false,
        path: fx.gatewayUrl,
        problem: expect.stringMatching(/start fields do not match/),
      });
    } finally {
      home.cleanup();
    }
    expect(await rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/start fields do not match/),
    });
    await tamper("UPDATE recorder_starts SET prompt = 'original prompt' WHERE correlation_id = $1", [id]);
    expect(await rec.verify()).toMatchObject({ ok: true });

    await tamper("UPDATE recorder_completions SET response = 'edited' WHERE correlation_id = $1", [id]);
    expect(await rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/completion fields do not match/),
    });
    await tamper("UPDATE recorder_completions SET response = 'original answer' WHERE correlation_id = $1", [
      id,
    ]);

    const saved = (await fx.admin.query('SELECT * FROM recorder_completions WHERE correlation_id = $1', [id]))
      .rows[0];
    await tamper('DELETE FROM recorder_completions WHERE correlation_id = $1', [id]);
    expect(await rec.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/row edited/) });
    const cols = Object.keys(saved);
    await tamper(
      `INSERT INTO recorder_completions (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
      cols.map((c) => saved[c]),
    );
    expect(await rec.verify()).toMatchObject({ ok: true });

    const forged = randomUUID();
    await tamper(
      `INSERT INTO recorder_starts (correlation_id, owner, transport, cli, prompt, prompt_sha256, started_at)
       VALUES ($1, $2, 'http', 'claude', 'forged', 'x', '2020-01-01T00:00:00.000Z')`,
      [forged, ALICE],
    );
    expect(await rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/forged or inserted directly/),
    });
    await tamper('DELETE FROM recorder_starts WHERE correlation_id = $1', [forged]);
    expect(await rec.verify()).toMatchObject({ ok: true });

    const head = (await rec.head())!;
    await tamper("UPDATE recorder_chain SET actor = 'someone-else' WHERE seq = $1", [head.seq - 1]);
    expect(await rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/chain broken at seq/),
    });
    await tamper('UPDATE recorder_chain SET actor = $2 WHERE seq = $1', [head.seq - 1, ALICE]);
    expect(await rec.verify()).toMatchObject({ ok: true });

    // Deleting the newest request with its chain events: only an exported head shows it.
    await tamper('DELETE FROM recorder_chain WHERE seq >= $1', [head.seq - 1]);
    await tamper('DELETE FROM recorder_completions WHERE correlation_id = $1', [id]);
    await tamper('DELETE FROM recorder_starts WHERE correlation_id = $1', [id]);
    expect(await rec.verify()).toMatchObject({ ok: true });
    expect(await rec.verify(head)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not in the chain/),
    });
  });
});
