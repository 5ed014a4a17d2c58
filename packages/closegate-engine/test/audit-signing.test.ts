import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { eventHash } from 'audit-chain';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine, type Engine } from '../src/index.js';
import { fixedClock } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function demo(): { dir: string; db: string; engine: Engine } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-audit-'));
  dirs.push(dir);
  const db = path.join(dir, 'recon.db');
  const engine = openEngine({ dbPath: db, now: fixedClock(), env: {} });
  engine.seedDemo();
  engine.runReconPass();
  return { dir, db, engine };
}

async function verify(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: () => undefined,
    env: { CLOSEGATE_POLICY: '', ...env },
    stderrIsTty: false,
    cwd: process.cwd(),
  };
  const code = await main(['audit', 'verify', ...args], io);
  return { code, out };
}

/** The attacker of the issue: write access to recon.db, triggers dropped, no signing key. */
function attacker(db: string): Database.Database {
  const raw = new Database(db);
  raw.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
  return raw;
}

describe('closegate audit chain signing (engine + CLI)', () => {
  it('signs with a 0600 key next to the database; verify checks it with the public key only', async () => {
    const { dir, db, engine } = demo();
    const key = path.join(dir, 'audit-signing.key');
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(`${db}.audit-heads.jsonl`)).toBe(true);
    const pub = path.join(dir, 'audit.pub');
    fs.writeFileSync(pub, engine.context.store.audit.publicKeyPem!);
    engine.close();
    fs.renameSync(key, path.join(dir, 'elsewhere.key')); // the verifier never needs the private key
    const r = await verify(['--db', db, '--public-key', pub, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, signaturesChecked: true, schema: { ok: true } });
    // without any key the report says so
    const unchecked = await verify(['--db', db]);
    expect(unchecked.out).toMatch(/signatures NOT checked/);
  });

  it('a forged MATCH_CONFIRMED by human:alice with a correct hash → exit 3, unsigned_tail', async () => {
    const { db, engine } = demo();
    const head = engine.context.store.audit.head()!;
    engine.close();
    const raw = attacker(db);
    const f = {
      seq: head.seq + 1,
      eventId: 'forged-1',
      ts: '2026-04-02T13:00:00.000Z',
      actor: 'human:alice',
      type: 'MATCH_CONFIRMED',
      payloadJson: '{"matchId":1}',
    };
    raw
      .prepare('INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(f.seq, f.eventId, f.ts, f.actor, f.type, f.payloadJson, head.hash, eventHash(head.hash, f));
    raw.exec(
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE of audit rows is refused; record a new event instead'); END;
       CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE of audit rows is refused; record a new event instead'); END;`,
    );
    raw.close();
    const r = await verify(['--db', db, '--expect-head', `${head.seq}:${head.hash}`, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, reason: 'unsigned_tail', brokenSeq: head.seq + 1 });
  });

  it('a dropped trigger alone → exit 3, trigger_missing', async () => {
    const { db, engine } = demo();
    engine.close();
    attacker(db).close();
    const r = await verify(['--db', db, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, reason: 'trigger_missing' });
  });

  it('a schema version newer than this build → refused, exit 1 (never reported intact); see audit-verify-schema', async () => {
    const { db, engine } = demo();
    engine.close();
    const raw = new Database(db);
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, ?)').run('x', 'y');
    raw.close();
    const r = await verify(['--db', db, '--json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
  });

  it('truncation back to an earlier signed head is caught by the side file (required with --head-log)', async () => {
    const { db, engine } = demo();
    const heads = engine.context.store.db
      .prepare('SELECT seq FROM audit_events_heads ORDER BY seq')
      .pluck()
      .all() as number[];
    engine.close();
    const keep = heads[heads.length - 2]!;
    const raw = attacker(db);
    raw.exec('DROP TRIGGER audit_events_heads_no_delete');
    raw.prepare('DELETE FROM audit_events WHERE seq > ?').run(keep);
    raw.prepare('DELETE FROM audit_events_heads WHERE seq > ?').run(keep);
    raw.close();
    const r = await verify(['--db', db, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out)).toMatchObject({ reason: expect.stringMatching(/truncated|trigger_missing/) });
    const withLog = await verify(['--db', db, '--head-log', `${db}.audit-heads.jsonl`, '--json']);
    expect(JSON.parse(withLog.out)).toMatchObject({ ok: false, reason: 'truncated', brokenSeq: keep + 1 });
    fs.rmSync(`${db}.audit-heads.jsonl`);
    const gone = await verify(['--db', db, '--head-log', `${db}.audit-heads.jsonl`, '--json']);
    expect(JSON.parse(gone.out)).toMatchObject({ ok: false, reason: 'head_log_missing' });
  });
});
