import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import type { PgFlightRecorder } from '../../src/recorder/pg-recorder.js';
import type { PgPool } from '../../src/store/pg/pool.js';
import { queryRoleUrl } from '../../src/store/pg/query-url.js';
import { describePg } from '../helpers/pg.js';
import { queryErrorCode as codeOf, recordRequest } from '../helpers/recorder.js';
import { gatewayRecorder, usePgStoreFixture, type PgStoreFixture } from './pg-fixture.js';

const ALICE = 'http:alice';
const BOB = 'http:bob';

describePg('flight_recorder_query on PostgreSQL', () => {
  let fx: PgStoreFixture;
  let pool: PgPool;
  let rec: PgFlightRecorder;

  const suite = usePgStoreFixture();
  beforeAll(async () => {
    fx = suite.fx;
    pool = suite.gatewayPool();
    rec = gatewayRecorder(fx, pool, { queryTimeoutMs: 1000 });
    for (const [owner, n] of [
      [ALICE, 2],
      [BOB, 3],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const start = { owner, transport: 'http', cli: 'claude', prompt: `${owner} secret ${i}` };
        await recordRequest(rec, start, { durationMs: 5, response: `r${i}`, usage: undefined });
      }
    }
  });

  it('answers over the caller own rows with the SQLite result shape', async () => {
    const r = await rec.query(
      'SELECT owner, count(*) AS n, sum(duration_ms) AS ms FROM requests GROUP BY owner',
      ALICE,
    );
    expect(r).toEqual({
      columns: ['owner', 'n', 'ms'],
      rows: [{ owner: ALICE, n: 2, ms: 10 }],
      truncated: false,
    });
    const b = await rec.query('select prompt from requests order by prompt;', BOB);
    expect(b.rows.map((x) => x.prompt)).toEqual([0, 1, 2].map((i) => `${BOB} secret ${i}`));
    const capped = await rec.query('SELECT correlation_id FROM requests', BOB, { maxRows: 2 });
    expect(capped).toMatchObject({ truncated: true, truncatedBy: 'rows' });
    expect(capped.rows).toHaveLength(2);
    const big = await rec.query("SELECT repeat('x', 100000) AS x FROM generate_series(1, 10)", ALICE);
    expect(big).toMatchObject({ truncated: true, truncatedBy: 'bytes' });
  });

  it.each([
    ["UPDATE requests SET prompt = 'x'", 'an UPDATE'],
    ['DELETE FROM recorder_starts', 'a DELETE'],
    ["INSERT INTO recorder_starts (correlation_id) VALUES ('x')", 'an INSERT'],
    ['WITH d AS (DELETE FROM recorder_completions RETURNING *) SELECT * FROM d', 'a data-modifying CTE'],
    ['SELECT 1; DELETE FROM recorder_starts', 'a second statement'],
    ['SELECT 1; SET ROLE postgres', 'a second statement (SET ROLE)'],
    ['SET ROLE postgres', 'SET ROLE'],
    ["SELECT set_config('role', 'postgres', false)", 'set_config of the role'],
    ["SELECT set_config('session_authorization', 'postgres', false)", 'set_config of the session user'],
    ['SELECT * FROM recorder_chain', 'reading the chain'],
    ['SELECT * FROM recorder_query_bindings', 'reading the bindings'],
    ['SELECT * FROM recorder_chain_lock FOR SHARE', 'holding the chain lock'],
    ['SELECT * FROM gateway_sessions', 'reading the sessions'],
    ["SELECT * FROM dblink('dbname=postgres', 'select 1') AS t(x int)", 'dblink'],
    ["SELECT pg_read_file('/etc/passwd')", 'reading server files'],
    ["SELECT lo_import('/etc/passwd')", 'lo_import'],
    ['COPY recorder_starts TO STDOUT', 'COPY'],
    ['SELECT * FROM requests FOR UPDATE', 'row locks'],
    ['CREATE TEMP TABLE t AS SELECT * FROM requests', 'creating a table'],
    ["SELECT nextval('x')", 'a missing sequence'],
    ['SELECT 1 /*', 'an unclosed comment swallowing the cap'],
  ])('refuses %s (%s) with QUERY_REFUSED', async (sql) => {
    expect(await codeOf(rec.query(sql, ALICE))).toBe('QUERY_REFUSED');
  });

  it('the query role and the read-only transaction refuse writes on their own (no statement wrapper)', async () => {
    const client = new pg.Client({ connectionString: queryRoleUrl(fx.gatewayUrl, {}) });
    await client.connect();
    try {
      for (const sql of [
        "UPDATE recorder_starts SET prompt = 'x'",
        'DELETE FROM recorder_completions',
        "INSERT INTO recorder_query_bindings (pid, owner) VALUES (pg_backend_pid(), 'http:bob')",
        'UPDATE recorder_query_bindings SET owner = owner',
        'TRUNCATE recorder_chain',
        'CREATE TABLE requests2 (x int)',
        'SET ROLE llm_gateway_runtime',
      ]) {
        await expect(client.query(sql), sql).rejects.toThrow(/permission denied|must be owner/);
      }
      // Unbound, it sees nothing at all.
      expect((await client.query('SELECT count(*)::int AS n FROM requests')).rows[0].n).toBe(0);
      await client.query('BEGIN TRANSACTION READ ONLY');
      await expect(client.query("UPDATE recorder_starts SET prompt = 'x'")).rejects.toThrow(
        /read-only transaction/,
      );
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });

  it('cannot see another owner rows whatever the statement does to its session', async () => {
    const probes = [
      'SELECT count(*) AS n FROM requests',
      'SELECT count(*) AS n FROM recorder_starts',
      'SELECT count(*) AS n FROM recorder_completions',
      `SELECT count(*) AS n FROM requests WHERE owner = '${BOB}'`,
      // A setting changed inside the statement, then a fresh query that would read it.
      `SELECT (xpath('//n/text()', query_to_xml('SELECT count(*) AS n FROM requests', false, false, '')))[1]::text::int AS n
         FROM (SELECT set_config('llm_gateway.owner', '${BOB}', true), set_config('request.owner', '${BOB}', true)) s`,
      `SELECT (xpath('//n/text()', query_to_xml('SELECT count(*) AS n FROM recorder_starts WHERE owner <> ''${ALICE}''', false, false, '')))[1]::text::int + 2 AS n`,
    ];
    for (const sql of probes) {
      const r = await rec.query(sql, ALICE);
      expect(r.rows, sql).toEqual([{ n: sql.includes(`= '${BOB}'`) ? 0 : 2 }]);
    }
    // The owner binding is the gateway's, keyed on the backend: the caller sees only its own.
    expect((await rec.query('SELECT recorder_bound_owner() AS o', BOB)).rows).toEqual([{ o: BOB }]);
    expect((await rec.query('SELECT current_user AS u, session_user AS s', BOB)).rows).toEqual([
      { u: 'llm_gateway_query', s: 'llm_gateway_query' },
    ]);
    // Nothing is left bound once the queries are over.
    expect((await fx.admin.query('SELECT count(*)::int AS n FROM recorder_query_bindings')).rows[0].n).toBe(
      0,
    );
  });

  it("cannot read another caller's running statement in pg_stat_activity", async () => {
    const slow = rec.query("SELECT 'bob-canary-7731' AS c, pg_sleep(0.9)", BOB);
    // Until Bob's statement is asleep on the server (the wait event is reported either way).
    for (let i = 0; i < 200; i++) {
      const { rows } = await fx.admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE usename = 'llm_gateway_query' AND wait_event = 'PgSleep'",
      );
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const seen = await rec.query(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE '%bob-canary-' || '7731%'",
      ALICE,
    );
    expect(seen.rows).toEqual([{ n: 0 }]);
    expect((await slow).rows).toEqual([{ c: 'bob-canary-7731', pg_sleep: '' }]);
  });

  it('kills a query past its statement timeout with QUERY_TIMEOUT, even one that lifts its own timeout', async () => {
    expect(await codeOf(rec.query('SELECT pg_sleep(30)', ALICE))).toBe('QUERY_TIMEOUT');
    expect(
      await codeOf(rec.query("SELECT set_config('statement_timeout', '0', true), pg_sleep(30)", ALICE)),
    ).toBe('QUERY_TIMEOUT');
    expect(await codeOf(rec.query('SELECT count(*) FROM generate_series(1, 10000000000)', ALICE))).toBe(
      'QUERY_TIMEOUT',
    );
    // The server is not left running them.
    const running = await fx.admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'llm_gateway_query' AND state = 'active'",
    );
    expect(running.rows[0].n).toBe(0);
  });
});
