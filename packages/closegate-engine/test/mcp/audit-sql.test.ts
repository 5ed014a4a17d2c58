import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditSqlSandbox, AUDIT_VIEWS } from '../../src/mcp/index.js';
import type { Engine } from '../../src/index.js';
import { inspect, seededDb } from './helpers.js';

let dbPath: string;
let engine: Engine;
let sandbox: AuditSqlSandbox;

beforeAll(() => {
  dbPath = seededDb();
  engine = inspect(dbPath);
  sandbox = AuditSqlSandbox.open(dbPath, { timeoutMs: 1500 });
});
afterAll(() => {
  sandbox.close();
  engine.close();
});

describe('audit SQL sandbox', () => {
  it('runs against a database that holds only the audit copy and its views', async () => {
    const r = await sandbox.query(
      "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
    );
    const names = (r.rows as { name: string }[]).map((x) => x.name);
    expect(names.sort()).toEqual(['audit_copy', ...AUDIT_VIEWS].sort());
  });

  it('mirrors new audit rows incrementally before each query', async () => {
    const before = await sandbox.query('SELECT count(*) AS n, max(seq) AS top FROM audit_events');
    const { n, top } = (before.rows as { n: number; top: number }[])[0]!;
    expect(top).toBe(engine.queries.auditHead()!.seq);
    engine.context.store.tx(() =>
      engine.context.store.audit.append({
        type: 'TEST_EVENT',
        actor: 'human:tester',
        payload: { note: 'x' },
      }),
    );
    const after = await sandbox.query("SELECT count(*) AS n FROM audit_events WHERE type = 'TEST_EVENT'");
    expect((after.rows as { n: number }[])[0]!.n).toBe(1);
    const total = await sandbox.query('SELECT count(*) AS n FROM audit_events');
    expect((total.rows as { n: number }[])[0]!.n).toBe(n + 1);
    expect(total.mirroredThroughSeq).toBe(top + 1);
  });

  it('hashes in the mirror are the chain hashes (the copy is faithful)', async () => {
    const head = engine.queries.auditHead()!;
    const r = await sandbox.query(`SELECT hash FROM audit_events WHERE seq = ${head.seq}`);
    expect((r.rows as { hash: string }[])[0]!.hash).toBe(head.hash);
  });

  it('refuses statements SQLite reports as writing or returning nothing, without touching the source', async () => {
    for (const sql of [
      'DELETE FROM audit_copy',
      'CREATE TEMP TABLE t(x)',
      `ATTACH '${dbPath}' AS r`,
      'BEGIN',
      'PRAGMA query_only = 0',
    ]) {
      await expect(sandbox.query(sql), sql).rejects.toMatchObject({
        code: expect.stringMatching(/^AUDIT_SQL_/),
      });
    }
    expect(engine.queries.verifyAudit().ok).toBe(true);
  });

  it('keeps its mirror in a private temp dir (0700, file 0600) that close() removes', () => {
    const other = AuditSqlSandbox.open(dbPath);
    const dir = other.dir;
    expect((statSync(dir).mode & 0o777).toString(8)).toBe('700');
    const files = readdirSync(dir).filter((f) => f.endsWith('.db'));
    expect(files).toHaveLength(1);
    expect((statSync(join(dir, files[0]!)).mode & 0o777).toString(8)).toBe('600');
    other.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('stops a statement over the time limit and answers the next one', async () => {
    await expect(
      sandbox.query('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c'),
    ).rejects.toMatchObject({
      code: 'AUDIT_SQL_TIMEOUT',
    });
    const ok = await sandbox.query('SELECT 1 AS one');
    expect(ok.rows).toEqual([{ one: 1 }]);
  });
});
