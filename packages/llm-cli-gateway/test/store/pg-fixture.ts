import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateStores } from '../../src/store/open.js';
import { openPgPool, type PgPool } from '../../src/store/pg/pool.js';
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
