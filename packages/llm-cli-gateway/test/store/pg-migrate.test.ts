import { afterAll, beforeAll, expect, it } from 'vitest';
import { appliedVersions, migrate, type Migration } from '../../src/store/pg/migrate.js';
import { openPgPool, type PgPool } from '../../src/store/pg/pool.js';
import { createTestDatabase, describePg, type TestDatabase } from '../helpers/pg.js';

const V1: Migration = { version: 1, description: 'a table', sql: 'CREATE TABLE t (x int)' };
const V2: Migration = { version: 2, description: 'a column', sql: 'ALTER TABLE t ADD COLUMN y int' };

describePg('PostgreSQL migrations', () => {
  let db: TestDatabase;
  let pool: PgPool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = openPgPool(db.url, { max: 8 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('applies each version once even when several instances start at the same time', async () => {
    const reports = await Promise.all(Array.from({ length: 6 }, () => migrate(pool, 'demo', [V1, V2])));
    expect(reports.flatMap((r) => r.applied).sort()).toEqual([1, 2]);
    expect(await appliedVersions(pool)).toEqual({ demo: 2 });
    const again = await migrate(pool, 'demo', [V1, V2]);
    expect(again.applied).toEqual([]);
  });

  it('refuses a database newer than the code', async () => {
    await expect(migrate(pool, 'demo', [V1])).rejects.toThrow(/newer than this gateway supports/);
  });

  it('rolls a failing migration back with its ledger row', async () => {
    const bad: Migration = { version: 1, description: 'broken', sql: 'CREATE TABLE u (x int); SELECT nope' };
    await expect(migrate(pool, 'other', [bad])).rejects.toThrow();
    const { rows } = await pool.query("SELECT to_regclass('u')::text AS t");
    expect(rows[0].t).toBeNull();
    expect((await appliedVersions(pool)).other).toBeUndefined();
  });

  it('refuses a gap in the numbering', async () => {
    await expect(migrate(pool, 'gappy', [V2])).rejects.toThrow(/numbered 1, 2, 3/);
  });
});
