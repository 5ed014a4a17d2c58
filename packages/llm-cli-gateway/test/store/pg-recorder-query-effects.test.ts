import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { JOBS_CHANNEL } from '../../src/jobs/pg-rows.js';
import type { PgFlightRecorder } from '../../src/recorder/pg-recorder.js';
import type { PgPool } from '../../src/store/pg/pool.js';
import { QUERY_ROLE, RUNTIME_ROLE } from '../../src/store/pg/roles.js';
import { migrateStores } from '../../src/store/open.js';
import { openPgPool } from '../../src/store/pg/pool.js';
import { createTestDatabase, describePg, pgRows } from '../helpers/pg.js';
import { queryErrorCode as codeOf, recordRequest } from '../helpers/recorder.js';
import { gatewayRecorder, usePgStoreFixture, type PgStoreFixture } from './pg-fixture.js';

/**
 * Caller SQL that a READ ONLY transaction does not stop: signalling other
 * backends, advisory locks (the job plane's admission takes one), NOTIFY on
 * the job plane's channel, WAL messages, large objects, transaction ids. The query role must be refused each of them,
 * however the function is spelled, and nothing may be left behind.
 */
const ALICE = 'http:alice';
const BOB = 'http:bob';
const SLOTS_KEY = "hashtextextended('llm-cli-gateway:jobs:slots', 0)";

describePg('flight_recorder_query cannot reach outside its transaction', () => {
  let fx: PgStoreFixture;
  let pool: PgPool;
  let rec: PgFlightRecorder;

  const suite = usePgStoreFixture();
  beforeAll(async () => {
    fx = suite.fx;
    pool = suite.gatewayPool();
    rec = gatewayRecorder(fx, pool, { queryTimeoutMs: 1000 });
    for (const owner of [ALICE, BOB]) {
      const start = { owner, transport: 'http', cli: 'claude', prompt: `${owner} secret` };
      await recordRequest(rec, start, { durationMs: 5, response: 'r', usage: undefined });
    }
  });

  async function advisoryLocks(): Promise<number> {
    const { rows } = await fx.admin.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
    );
    return rows[0]!.n;
  }

  it.each([
    'SELECT pg_terminate_backend(0)',
    'SELECT pg_terminate_backend(0, 10)',
    'SELECT pg_catalog.pg_terminate_backend(0)',
    'SELECT "pg_terminate_backend"(0)',
    'SELECT PG_CATALOG."pg_terminate_backend"(0)',
    'SELECT Pg_Terminate_Backend(pid) FROM pg_stat_activity WHERE pid = 0',
    'SELECT pg_cancel_backend(0)',
    'SELECT "pg_catalog"."pg_cancel_backend"(0)',
    "SELECT query_to_xml('SELECT pg_cancel' || '_backend(0)', false, false, '')",
    'SELECT pg_advisory_lock(1)',
    'SELECT pg_advisory_lock(1, 2)',
    'SELECT pg_advisory_lock_shared(1)',
    'SELECT pg_try_advisory_lock(1)',
    'SELECT pg_try_advisory_lock_shared(1, 2)',
    'SELECT pg_advisory_xact_lock(1)',
    'SELECT pg_advisory_xact_lock_shared(1)',
    'SELECT pg_try_advisory_xact_lock(1)',
    'SELECT pg_try_advisory_xact_lock_shared(1)',
    `SELECT pg_catalog.pg_advisory_xact_lock(${SLOTS_KEY})`,
    `SELECT "pg_try_advisory_lock"(${SLOTS_KEY})`,
    "SELECT query_to_xml('SELECT pg_advisory' || '_lock(7)', false, false, '')",
    'SELECT pg_advisory_unlock_all()',
    'SELECT pg_advisory_unlock(1)',
    `SELECT pg_notify('${JOBS_CHANNEL}', 'cancel:x')`,
    `SELECT "pg_catalog".PG_NOTIFY('${JOBS_CHANNEL}', 'freed')`,
    "SELECT pg_logical_emit_message(false, 'x', 'y')",
    "SELECT pg_catalog.pg_logical_emit_message(true, 'x', 'y'::bytea)",
    'SELECT lo_create(0)',
    'SELECT lo_creat(-1)',
    "SELECT lo_from_bytea(0, 'x')",
    "SELECT query_to_xml('SELECT lo_from' || '_bytea(0, ''x'')', false, false, '')",
    'SELECT txid_current()',
    'SELECT "pg_current_xact_id"()',
    "SELECT set_config('transaction_read_only', 'off', true)",
    "SELECT pg_ls_dir('.')",
    "SELECT pg_stat_file('postgresql.conf')",
    "SELECT nextval('requests')",
  ])('refuses %s with QUERY_REFUSED and leaves no lock', async (sql) => {
    expect(await codeOf(rec.query(sql, ALICE))).toBe('QUERY_REFUSED');
    expect(await advisoryLocks()).toBe(0);
  });

  it('leaves no large object behind', async () => {
    const { rows } = await fx.admin.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_largeobject_metadata',
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("cannot terminate or cancel another caller's running query", async () => {
    const slow = rec.query("SELECT owner, pg_sleep(0.8) AS s FROM requests WHERE prompt LIKE '%secret'", BOB);
    let bobPid: number | undefined;
    for (let i = 0; i < 400 && bobPid === undefined; i++) {
      const { rows } = await fx.admin.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND wait_event = 'PgSleep'",
        [QUERY_ROLE],
      );
      bobPid = rows[0]?.pid;
      if (bobPid === undefined) await new Promise((r) => setTimeout(r, 5));
    }
    expect(bobPid).toBeDefined();
    for (const fn of ['pg_cancel_backend', 'pg_terminate_backend']) {
      expect(await codeOf(rec.query(`SELECT ${fn}(${bobPid})`, ALICE)), fn).toBe('QUERY_REFUSED');
      // Found the way a caller would: by role in pg_stat_activity.
      const viaActivity = `SELECT ${fn}(pid) FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()`;
      expect(await codeOf(rec.query(viaActivity, ALICE)), fn).toBe('QUERY_REFUSED');
    }
    expect((await slow).rows).toEqual([{ owner: BOB, s: '' }]);
  });

  it("reads no other caller's statement through the pg_stat functions either", async () => {
    const slow = rec.query("SELECT 'bob-canary-4412' AS c, pg_sleep(0.8) AS s", BOB);
    for (let i = 0; i < 400; i++) {
      const { rows } = await fx.admin.query(
        "SELECT 1 FROM pg_stat_activity WHERE usename = $1 AND wait_event = 'PgSleep'",
        [QUERY_ROLE],
      );
      if (rows.length > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const canary = "'%bob-canary-' || '4412%'";
    for (const sql of [
      `SELECT count(*) AS n FROM pg_stat_get_activity(NULL) a WHERE a.query LIKE ${canary}`,
      `SELECT count(*) AS n FROM pg_stat_get_backend_idset() s WHERE pg_stat_get_backend_activity(s) LIKE ${canary}`,
      `SELECT count(*) AS n FROM pg_catalog.pg_stat_activity WHERE query LIKE ${canary}`,
    ])
      expect((await rec.query(sql, ALICE)).rows, sql).toEqual([{ n: 0 }]);
    expect((await slow).rows).toEqual([{ c: 'bob-canary-4412', s: '' }]);
  });

  it("holds no advisory lock the job plane's admission waits on", async () => {
    const sql = `SELECT pg_advisory_xact_lock(${SLOTS_KEY}), pg_advisory_lock(${SLOTS_KEY}), pg_sleep(0.3)`;
    const attempt = rec.query(sql, ALICE);
    // The runtime role keeps the lock functions: admission takes the slots lock at once.
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const got = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${SLOTS_KEY}) AS ok`);
      expect(got.rows[0]!.ok).toBe(true);
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    expect(await codeOf(attempt)).toBe('QUERY_REFUSED');
    expect(await advisoryLocks()).toBe(0);
  });

  it("sends nothing on the job plane's NOTIFY channel", async () => {
    const listener = new pg.Client({ connectionString: fx.db.url });
    await listener.connect();
    try {
      const got: string[] = [];
      let marker: () => void = () => undefined;
      const markerSeen = new Promise<void>((r) => (marker = r));
      listener.on('notification', (n) => {
        got.push(n.payload ?? '');
        if (n.payload === 'marker') marker();
      });
      await listener.query(`LISTEN ${JOBS_CHANNEL}`);
      for (const sql of [
        `SELECT pg_notify('${JOBS_CHANNEL}', 'cancel:forged')`,
        `SELECT query_to_xml('NOTIFY ${JOBS_CHANNEL}, ''queued''', false, false, '')`,
      ])
        expect(await codeOf(rec.query(sql, ALICE)), sql).toBe('QUERY_REFUSED');
      // The runtime role still notifies; notifications arrive in commit order, so anything
      // the caller had sent would come before the marker.
      await pool.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, 'marker']);
      await markerSeen;
      expect(got).toEqual(['marker']);
    } finally {
      await listener.end();
    }
  });

  it("leaves no session setting for the next caller's query", async () => {
    const r = await rec.query(
      `SELECT set_config('statement_timeout', '0', false) AS a, set_config('search_path', 'pg_temp', false) AS b,
              set_config('llm_gateway.owner', '${BOB}', false) AS c`,
      ALICE,
    );
    expect(r.rows).toHaveLength(1);
    const next = await rec.query(
      `SELECT current_setting('statement_timeout') AS t, current_setting('search_path') AS p,
              current_setting('llm_gateway.owner', true) AS o, count(*) AS n FROM requests`,
      BOB,
    );
    expect(next.rows).toEqual([{ t: '1s', p: '"$user", public', o: null, n: 1 }]);
    expect(await codeOf(rec.query('SELECT pg_sleep(30)', BOB))).toBe('QUERY_TIMEOUT');
  });

  it('the runtime role and the database owner keep the functions; other roles of the database lose them', async () => {
    const db = await createTestDatabase();
    const suffix = db.name.slice(-8);
    const [owner, other] = [`llmgw_owner_${suffix}`, `llmgw_other_${suffix}`];
    await fx.admin.query(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${other} LOGIN`);
    await fx.admin.query(`ALTER DATABASE ${db.name} OWNER TO ${owner}`);
    const admin = openPgPool(db.url, { max: 1 });
    try {
      await migrateStores(admin);
      const as = (role: string) => Object.assign(new URL(db.url), { username: role }).toString();
      const probe = "SELECT pg_try_advisory_xact_lock(1) AS l, pg_notify('x', 'y') AS n";
      expect(await pgRows(as(owner), probe)).toEqual([{ l: true, n: '' }]);
      await fx.admin.query(`GRANT ${RUNTIME_ROLE} TO ${other}`);
      expect(await pgRows(as(other), probe)).toEqual([{ l: true, n: '' }]);
      await fx.admin.query(`REVOKE ${RUNTIME_ROLE} FROM ${other}`);
      await expect(pgRows(as(other), probe)).rejects.toThrow(/permission denied for function/);
    } finally {
      await admin.end();
      await db.drop();
      await fx.admin.query(`DROP ROLE IF EXISTS ${owner}; DROP ROLE IF EXISTS ${other}`);
    }
  });
});
