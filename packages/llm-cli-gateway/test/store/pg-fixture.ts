import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PgFlightRecorder, type PgRecorderOptions } from '../../src/recorder/pg-recorder.js';
import { migrateStores } from '../../src/store/open.js';
import { openPgPool, type PgPool } from '../../src/store/pg/pool.js';
import { queryRoleUrl } from '../../src/store/pg/query-url.js';
import { RUNTIME_ROLE } from '../../src/store/pg/roles.js';
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from '../helpers/pg.js';

/**
 * A migrated test database (as the superuser, i.e. the owner), plus a login
 * role granted only the gateway's runtime role, as an operator sets it up.
 */
export interface PgStoreFixture {
  readonly db: TestDatabase;
  /** The owner's (superuser's) pool: used to tamper and to inspect. */
  readonly admin: PgPool;
  /** The URL of the least-privilege gateway login. */
  readonly gatewayUrl: string;
  readonly gatewayRole: string;
  close(): Promise<void>;
}

export async function pgStoreFixture(): Promise<PgStoreFixture> {
  const db = await createTestDatabase();
  const admin = openPgPool(db.url, { max: 4 });
  await migrateStores(admin);
  const gatewayRole = `llmgw_gw_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE ROLE ${gatewayRole} LOGIN IN ROLE ${RUNTIME_ROLE}`);
  const u = new URL(db.url);
  u.username = gatewayRole;
  return {
    db,
    admin,
    gatewayUrl: u.toString(),
    gatewayRole,
    close: async () => {
      await admin.end();
      await db.drop();
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP ROLE IF EXISTS ${gatewayRole}`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface PgStoreSuite {
  /** The fixture (set once the suite's `beforeAll` ran). */
  readonly fx: PgStoreFixture;
  /** A pool of the least-privilege gateway login, as one gateway instance holds it; ended after the suite. */
  gatewayPool(): PgPool;
}

/**
 * `pgStoreFixture()` for a describe block: created before its tests, its
 * pools ended and everything dropped after them. Call it inside the
 * `describePg` callback, before the block's own hooks.
 */
export function usePgStoreFixture(): PgStoreSuite {
  let fx: PgStoreFixture | undefined;
  const pools: PgPool[] = [];
  beforeAll(async () => {
    fx = await pgStoreFixture();
  });
  afterAll(async () => {
    for (const p of pools.splice(0)) await p.end();
    await fx?.close();
  });
  const suite: PgStoreSuite = {
    get fx() {
      if (fx === undefined) throw new Error('the PostgreSQL store fixture is created in beforeAll');
      return fx;
    },
    gatewayPool: () => {
      const pool = openPgPool(suite.fx.gatewayUrl, { max: 4 });
      pools.push(pool);
      return pool;
    },
  };
  return suite;
}

/** The flight recorder a gateway instance runs on `pool`, its query role's URL derived from the gateway login as at start-up. */
export function gatewayRecorder(
  fx: PgStoreFixture,
  pool: PgPool,
  options: Partial<PgRecorderOptions> = {},
): PgFlightRecorder {
  return new PgFlightRecorder(pool, {
    displayUrl: fx.gatewayUrl,
    queryUrl: queryRoleUrl(fx.gatewayUrl, {}),
    ...options,
  });
}
