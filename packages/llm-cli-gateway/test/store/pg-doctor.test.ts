import { afterAll, beforeAll, expect, it } from 'vitest';
import { dbCommand } from '../../src/cli/db.js';
import { doctorReport, formatDoctor } from '../../src/cli/doctor.js';
import { fakeEnv, tempDir } from '../helpers/env.js';
import { createTestDatabase, describePg } from '../helpers/pg.js';
import { pgStoreFixture, type PgStoreFixture } from './pg-fixture.js';

describePg('doctor on the PostgreSQL store', () => {
  let fx: PgStoreFixture;
  const tmp = tempDir();

  beforeAll(async () => {
    fx = await pgStoreFixture();
  });
  afterAll(async () => {
    await fx?.close();
    tmp.cleanup();
  });

  const envFor = (url: string) => fakeEnv(tmp.dir, { LLM_GATEWAY_DATABASE_URL: url });
  const failed = (r: Awaited<ReturnType<typeof doctorReport>>) =>
    r.database!.checks.filter((c) => !c.ok).map((c) => c.name);

  it('passes with a least-privilege gateway role: reachable, migrated, privileges as they must be', async () => {
    const r = await doctorReport(envFor(fx.gatewayUrl));
    expect(r.database).toMatchObject({
      reachable: true,
      role: fx.gatewayRole,
      setting: 'env:LLM_GATEWAY_DATABASE_URL',
      migrations: { recorder: { applied: 2, expected: 2 }, sessions: { applied: 1, expected: 1 } },
    });
    expect(failed(r)).toEqual([]);
    expect(r.warnings.filter((w) => w.startsWith('database:'))).toEqual([]);
    expect(formatDoctor(r)).toMatch(/Database: PostgreSQL .* \(set by LLM_GATEWAY_DATABASE_URL\)/);
    expect(formatDoctor(r)).not.toContain('env:');
  });

  it('fails when the gateway role could change the recorder (a superuser that owns it)', async () => {
    const r = await doctorReport(envFor(fx.db.url));
    expect(failed(r)).toEqual(
      expect.arrayContaining([
        'gateway role is not a superuser',
        'gateway role cannot change recorder_starts',
        'gateway role cannot change recorder_completions',
        'gateway role cannot change recorder_chain',
      ]),
    );
    expect(r.warnings.join('\n')).toMatch(
      /database: gateway role cannot change recorder_starts: .*can UPDATE/,
    );
    expect(formatDoctor(r)).toMatch(/FAIL gateway role is not a superuser/);
  });

  it('fails when the query role was given more than SELECT', async () => {
    await fx.admin.query('GRANT UPDATE ON recorder_starts TO llm_gateway_query');
    try {
      const r = await doctorReport(envFor(fx.gatewayUrl));
      expect(failed(r)).toEqual(['query role can only SELECT its bound rows']);
      expect(r.warnings.join('\n')).toMatch(/can UPDATE recorder_starts/);
    } finally {
      await fx.admin.query('REVOKE UPDATE ON recorder_starts FROM llm_gateway_query');
    }
  });

  it('fails when the query role can still signal backends, lock or NOTIFY (deny list not applied)', async () => {
    await fx.admin.query('GRANT EXECUTE ON FUNCTION pg_terminate_backend(integer, bigint) TO PUBLIC');
    await fx.admin.query('GRANT EXECUTE ON FUNCTION pg_advisory_lock(bigint) TO llm_gateway_query');
    try {
      const r = await doctorReport(envFor(fx.gatewayUrl));
      expect(failed(r)).toEqual(['query role can only SELECT its bound rows']);
      expect(r.warnings.join('\n')).toMatch(
        /can execute pg_advisory_lock\(bigint\), pg_terminate_backend\(integer,bigint\): a caller could/,
      );
    } finally {
      await fx.admin.query('REVOKE EXECUTE ON FUNCTION pg_terminate_backend(integer, bigint) FROM PUBLIC');
      await fx.admin.query('REVOKE EXECUTE ON FUNCTION pg_advisory_lock(bigint) FROM llm_gateway_query');
    }
  });

  it('names an unreachable database with its password redacted, in text and JSON', async () => {
    // built at run time so the secret scanner does not read a literal connection string here
    const withPassword = ['postgres://someone', 'hunter2-secret@127.0.0.1:1/nowhere'].join(':');
    const r = await doctorReport(envFor(withPassword));
    expect(r.database).toMatchObject({ reachable: false, url: 'postgres://someone:***@127.0.0.1:1/nowhere' });
    expect(failed(r)).toEqual(['reachable']);
    const text = formatDoctor(r) + JSON.stringify(r);
    expect(text).not.toContain('hunter2');
    expect(formatDoctor(r)).toMatch(/FAIL reachable: postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nowhere/);
  });

  it('reports migrations not applied on an empty database, until `db migrate` applies them', async () => {
    const empty = await createTestDatabase();
    try {
      const r = await doctorReport(envFor(empty.url));
      expect(r.database!.migrations.recorder).toEqual({ applied: null, expected: 2 });
      expect(failed(r)).toEqual(expect.arrayContaining(['migrations: recorder', 'migrations: sessions']));
      const out: string[] = [];
      const io = { out: (t: string) => out.push(t), err: (t: string) => out.push(t) };
      expect(await dbCommand(['migrate'], false, io, envFor(empty.url))).toBe(0);
      expect(out).toEqual([
        'recorder: version 2 (applied 1, 2)',
        'sessions: version 1 (applied 1)',
        'jobs: version 1 (applied 1)',
      ]);
      expect(await dbCommand(['migrate'], false, io, envFor(empty.url))).toBe(0);
      expect(out.slice(3)).toEqual([
        'recorder: version 2 (up to date)',
        'sessions: version 1 (up to date)',
        'jobs: version 1 (up to date)',
      ]);
      const after = await doctorReport(envFor(empty.url));
      expect(after.database!.migrations).toMatchObject({
        recorder: { applied: 2 },
        sessions: { applied: 1 },
        jobs: { applied: 1 },
      });
      expect(await dbCommand(['migrate'], false, io, fakeEnv(tmp.dir))).toBe(2); // SQLite store: nothing to do
    } finally {
      await empty.drop();
    }
  });
});
