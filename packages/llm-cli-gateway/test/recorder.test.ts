import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from 'audit-chain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openOwnerSnapshot } from '../src/recorder/query.js';
import { FlightRecorder } from '../src/recorder/recorder.js';
import { verifyLogs } from '../src/cli/logs.js';
import { rowToResult } from '../src/recorder/row-result.js';
import { ALICE, BOB, testGateway } from './helpers/gateway.js';
import { tempDir } from './helpers/env.js';
import { recordRequest } from './helpers/recorder.js';

let dir: string;
let cleanup: () => void;
let rec: FlightRecorder;
let path: string;

function request(owner: string, prompt: string, response = 'ok reply'): Promise<string> {
  return recordRequest(
    rec,
    { owner, transport: 'stdio', cli: 'claude', prompt, model: 'sonnet' },
    { response },
  );
}

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  path = join(dir, 'logs.db');
  rec = new FlightRecorder(path, ['plain-credential-value']);
  await request(ALICE.id, 'alice prompt one');
  await request(ALICE.id, 'alice prompt two');
  await request(BOB.id, 'BOB-SECRET-PROMPT', 'BOB-SECRET-RESPONSE');
});
afterEach(() => {
  rec.close();
  cleanup();
});

const q = (sql: string, owner = ALICE.id) => rec.query(sql, owner);

describe('flight recorder', () => {
  it('stores a start and completion row, 0600, WAL, with redaction', async () => {
    const id = await request(
      ALICE.id,
      'key sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAAAA and plain-credential-value',
      'here: ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    );
    const row = rec.get(id, ALICE.id)!;
    expect(row.status).toBe('completed');
    expect(row.duration_ms).toBe(12);
    expect(row.prompt).toBe('key [REDACTED:anthropic-key] and [REDACTED:credential]');
    expect(row.response).toBe('here: [REDACTED:github-token]');
    expect(rec.get(id, BOB.id)).toBeUndefined();
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('answers read-only SQL over the caller own rows', async () => {
    const r = await q('SELECT cli, prompt FROM requests ORDER BY started_at');
    expect(r.rows.map((x) => x.prompt)).toEqual(['alice prompt one', 'alice prompt two']);
    expect((await q('SELECT count(*) AS n FROM requests', BOB.id)).rows).toEqual([{ n: 1 }]);
    expect(
      await rec.query('SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3', ALICE.id, { maxRows: 2 }),
    ).toMatchObject({ truncated: true });
  });

  it.each([
    "INSERT INTO requests (correlation_id, owner, transport, cli, prompt, prompt_sha256, status, started_at) VALUES ('x','local:alice','stdio','claude','p','h','running','t')",
    "UPDATE requests SET owner = 'local:alice'",
    'DELETE FROM requests',
    'DROP TABLE requests',
    'CREATE TABLE t (x)',
    "ATTACH DATABASE 'file:logs.db' AS other",
    `ATTACH DATABASE '${'/tmp'}/x.db' AS other`,
    'DETACH DATABASE main',
    'PRAGMA writable_schema=1',
    'PRAGMA query_only=0',
    'PRAGMA journal_mode=DELETE',
    "VACUUM INTO '/tmp/copy.db'",
    'REINDEX',
    'ANALYZE',
    'BEGIN',
    'SELECT 1; DELETE FROM requests',
    "REPLACE INTO requests (correlation_id) VALUES ('x')",
  ])('refuses %s', async (sql) => {
    await expect(q(sql)).rejects.toThrow(
      /read-only query|SQLite refused the statement|more than one statement/,
    );
  });

  it('SQLite itself rejects writes on the read-only connection and on the snapshot', () => {
    const ro = openSqlite(path, { readonly: true });
    expect(() => ro.prepare("UPDATE requests SET owner='x'").run()).toThrow(/readonly|read-only/i);
    const snap = openOwnerSnapshot(ro, ALICE.id);
    expect(() => snap.prepare('DELETE FROM requests').run()).toThrow(/readonly|read-only/i);
    expect(() => snap.prepare("INSERT INTO requests (correlation_id) VALUES ('x')").run()).toThrow();
    snap.close();
    ro.close();
  });

  it.each([
    'SELECT * FROM requests',
    'SELECT * FROM main.requests',
    "SELECT * FROM requests WHERE owner <> 'local:alice' OR 1=1",
    "SELECT * FROM requests WHERE owner = 'http:bob'",
    'SELECT * FROM (SELECT * FROM requests) UNION ALL SELECT * FROM requests',
    "WITH requests AS (SELECT 'x') SELECT * FROM main.requests",
    'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r WHERE n < 3) SELECT * FROM requests, r',
    'SELECT sql, name FROM sqlite_master',
    'SELECT * FROM sqlite_schema',
    'SELECT * FROM pragma_database_list',
    "SELECT * FROM pragma_table_info('request_chain')",
    'SELECT group_concat(prompt) AS p, group_concat(response) AS r FROM requests',
  ])('another owner rows stay invisible to %s', async (sql) => {
    const text = JSON.stringify(await q(sql));
    expect(text).not.toContain('BOB-SECRET');
    expect(text).not.toContain('http:bob');
    expect(text).not.toContain('logs.db');
  });

  it.each([
    'SELECT * FROM request_chain',
    'SELECT * FROM audit_events',
    'SELECT * FROM other.requests',
    'SELECT * FROM temp.requests',
  ])('tables outside the snapshot do not exist: %s', async (sql) => {
    await expect(q(sql)).rejects.toThrow(/no such table/);
  });

  it('the chain table carries no actor/type/ts index (nothing filters by them); an older log loses them', async () => {
    const chainIndexes = () => {
      const ro = openSqlite(path, { readonly: true });
      try {
        return (
          ro
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'request_chain'")
            .all() as { name: string }[]
        ).map((r) => r.name);
      } finally {
        ro.close();
      }
    };
    expect(chainIndexes()).toEqual(['sqlite_autoindex_request_chain_1']); // event_id UNIQUE
    rec.close();
    const rw = openSqlite(path);
    rw.exec('CREATE INDEX request_chain_type_idx ON request_chain(type)');
    rw.close();
    expect(chainIndexes()).toContain('request_chain_type_idx');
    rec = new FlightRecorder(path, ['plain-credential-value']);
    expect(chainIndexes()).toEqual(['sqlite_autoindex_request_chain_1']);
    await request(ALICE.id, 'after reopen');
    expect(rec.verify()).toMatchObject({ ok: true, requests: 4, chainEvents: 8 });
  });

  it('verify passes on an intact log and detects an edited, forged or deleted row', () => {
    expect(rec.verify()).toMatchObject({ ok: true, requests: 3, chainEvents: 6 });
    const rw = openSqlite(path);
    rw.exec('DROP TRIGGER requests_complete_once');
    rw.prepare("UPDATE requests SET response = 'edited' WHERE owner = ?").run(BOB.id);
    expect(rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/completion fields do not match/),
    });
    rw.prepare("UPDATE requests SET response = 'BOB-SECRET-RESPONSE' WHERE owner = ?").run(BOB.id);
    expect(rec.verify().ok).toBe(true);
    rw.prepare("UPDATE requests SET owner = 'local:alice' WHERE owner = ?").run(BOB.id);
    expect(rec.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/start fields/) });
    rw.prepare("UPDATE requests SET owner = ? WHERE prompt = 'BOB-SECRET-PROMPT'").run(BOB.id);
    rw.prepare(
      "INSERT INTO requests (correlation_id, owner, transport, cli, prompt, prompt_sha256, status, started_at) VALUES ('forged','local:alice','stdio','claude','p','h','running','t')",
    ).run();
    expect(rec.verify()).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/no chained start event/),
    });
    rw.exec('DROP TRIGGER requests_no_delete');
    rw.prepare("DELETE FROM requests WHERE correlation_id = 'forged' OR owner = ?").run(BOB.id);
    expect(rec.verify()).toMatchObject({ ok: false, problem: expect.stringMatching(/row is gone/) });
    rw.close();
  });

  it('refuses to delete rows or change a completed row through triggers', () => {
    const rw = openSqlite(path);
    expect(() => rw.prepare('DELETE FROM requests').run()).toThrow(/append-only/);
    expect(() => rw.prepare("UPDATE requests SET response = 'x'").run()).toThrow(/cannot change/);
    rw.close();
  });
});

describe('flight recorder through the gateway', () => {
  it('records each request with its owner, and `logs verify` checks it', async () => {
    const t = testGateway();
    try {
      const r = await t.gateway.service.run(ALICE, { provider: 'gemini', prompt: 'hi there', options: {} });
      expect(r.ok).toBe(true);
      const row = (await t.gateway.recorder!.get(r.correlationId, ALICE.id))!;
      expect(row).toMatchObject({
        cli: 'gemini',
        status: 'completed',
        exit_code: 0,
        input_tokens: 30,
        output_tokens: 8,
      });
      // A local caller: an HTTP one would be refused earlier, for want of a workspace.
      const bobLocal = { id: BOB.id, transport: 'stdio' as const };
      const refused = await t.gateway.service.run(bobLocal, {
        provider: 'claude',
        prompt: 'x\0y',
        options: {},
      });
      expect(t.gateway.recorder!.get(refused.correlationId, BOB.id)).toMatchObject({
        status: 'failed',
        error_code: 'ADMISSION_REFUSED',
      });
      expect(await verifyLogs(t.env)).toMatchObject({ ok: true, requests: 2 });
      // From the log, a result has the same shape as from memory.
      const fromLog = rowToResult(row);
      expect(fromLog).toMatchObject({
        correlationId: r.correlationId,
        ok: true,
        reply: r.reply,
        exitCode: 0,
      });
      expect(fromLog.usage).toEqual(r.usage);
    } finally {
      t.cleanup();
    }
  });

  it('fails closed: a CLI whose start row cannot be written is killed before it runs', async () => {
    const t = testGateway();
    const marker = join(t.dir, 'marker');
    try {
      t.env.FAKE_CLI_MARKER = marker;
      t.gateway.recorder!.start = () => {
        throw new Error('disk full');
      };
      const r = await t.gateway.service.run(ALICE, { provider: 'claude', prompt: 'hi', options: {} });
      expect(r.error).toMatchObject({ code: 'RECORDER_FAILED', message: expect.stringMatching(/disk full/) });
      expect(existsSync(marker)).toBe(false);
    } finally {
      t.cleanup();
    }
  });

  it('LLM_GATEWAY_LOGS_DB=none disables it', async () => {
    const t = testGateway({ LLM_GATEWAY_LOGS_DB: 'none' });
    try {
      expect(t.gateway.recorder).toBeNull();
      const r = await t.gateway.service.run(ALICE, { provider: 'claude', prompt: 'hi', options: {} });
      expect(r.ok).toBe(true);
      expect(t.gateway.service.results.get(ALICE.id, r.correlationId)?.reply).toBe(r.reply);
      expect(t.gateway.service.results.get(BOB.id, r.correlationId)).toBeUndefined();
      expect(await verifyLogs(t.env)).toMatchObject({
        ok: false,
        problem: expect.stringMatching(/disabled/),
      });
    } finally {
      t.cleanup();
    }
  });
});
