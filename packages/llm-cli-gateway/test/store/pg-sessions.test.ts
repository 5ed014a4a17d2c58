import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PgSessionStore } from '../../src/sessions/pg-store.js';
import { tempDir } from '../helpers/env.js';
import { describePg } from '../helpers/pg.js';
import { usePgStoreFixture, type PgStoreFixture } from './pg-fixture.js';

const ALICE = 'http:alice';
const BOB = 'http:bob';

describePg('sessions on PostgreSQL', () => {
  let fx: PgStoreFixture;
  let store: PgSessionStore;
  /** A second instance on another "host": its own pool and its own home. */
  let store2: PgSessionStore;
  const homes = [tempDir(), tempDir()];

  const suite = usePgStoreFixture();
  beforeAll(() => {
    fx = suite.fx;
    store = new PgSessionStore(suite.gatewayPool(), homes[0]!.dir);
    store2 = new PgSessionStore(suite.gatewayPool(), homes[1]!.dir);
  });
  afterAll(() => {
    for (const h of homes) h.cleanup();
  });

  it('creates, lists, activates and touches sessions shared by every instance', async () => {
    const a1 = await store.create(ALICE, 'claude', 'first', true, 'proj');
    const a2 = await store2.create(ALICE, 'claude', 'second');
    expect(a1).toMatchObject({ owner: ALICE, cli: 'claude', workspace: 'proj', active: true });
    // The newer one is active; the first was deactivated by the other instance.
    expect((await store.active(ALICE, 'claude'))?.id).toBe(a2.id);
    expect((await store.get(ALICE, a1.id)).active).toBe(false);
    await store.setActive(ALICE, a1.id);
    expect((await store2.active(ALICE, 'claude'))?.id).toBe(a1.id);
    const touched = await store2.touch(ALICE, a1.id, 'provider-123');
    expect(touched.providerSessionId).toBe('provider-123');
    expect((await store.touch(ALICE, a1.id, undefined)).providerSessionId).toBe('provider-123');
    expect((await store.list(ALICE)).map((s) => s.id).sort()).toEqual([a1.id, a2.id].sort());
    expect(await store.list(ALICE, 'codex')).toEqual([]);
  });

  it('keeps one active session per owner and CLI when instances race', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : store2).create(ALICE, 'gemini', `g${i}`)),
    );
    const all = await store.list(ALICE, 'gemini');
    expect(all).toHaveLength(10);
    expect(all.filter((s) => s.active)).toHaveLength(1);
  });

  it("isolates owners: another owner's session is not found, and cannot be changed", async () => {
    const mine = await store.create(ALICE, 'codex', 'mine');
    const dir = store.ensureWorkDir(mine.id);
    await expect(store.get(BOB, mine.id)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(store2.setActive(BOB, mine.id)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(store2.touch(BOB, mine.id, 'hijack')).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await expect(store2.delete(BOB, mine.id)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    expect(await store.list(BOB)).toEqual([]);
    expect(await store.active(BOB, 'codex')).toBeUndefined();
    expect(await store2.clear(BOB)).toBe(0);
    expect((await store.get(ALICE, mine.id)).providerSessionId).toBeUndefined();
    // Not a UUID: still just "not found".
    await expect(store.get(ALICE, "x' OR '1'='1")).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await store.delete(ALICE, mine.id);
    expect(existsSync(dir)).toBe(false);
    await expect(store.get(ALICE, mine.id)).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
  });

  it('clears one CLI or all of an owner, and nothing of another owner', async () => {
    await store.create(BOB, 'claude', 'b1');
    const before = (await store.list(ALICE)).length;
    expect(await store.clear(ALICE, 'gemini')).toBe(10);
    expect(await store.list(ALICE)).toHaveLength(before - 10);
    expect(await store.clear(ALICE)).toBe(before - 10);
    expect(await store.list(BOB)).toHaveLength(1);
  });

  it('stores no content: the table has only the content-free columns', async () => {
    const { rows } = await fx.admin.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'gateway_sessions' ORDER BY column_name",
    );
    expect(rows.map((r) => r.column_name)).toEqual([
      'active',
      'cli',
      'created_at',
      'description',
      'id',
      'last_used_at',
      'owner',
      'provider_session_id',
      'workspace',
    ]);
  });
});
