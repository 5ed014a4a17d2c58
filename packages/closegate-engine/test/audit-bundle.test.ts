import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine } from '../src/index.js';
import { fixedClock, key } from './helpers.js';

const PY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../audit-chain/auditor/verify_chain.py',
);
const hasPython = spawnSync('python3', ['--version']).status === 0;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: () => undefined,
    env: { CLOSEGATE_POLICY: '' },
    stderrIsTty: false,
    cwd,
  };
  return { code: await main(args, io), out };
}

/** A worked demo book exported to a bundle; the public key handed to the auditor separately. */
async function bundle(extra: string[] = []): Promise<{ dir: string; out: string; pub: string; db: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-bundle-'));
  dirs.push(dir);
  const db = path.join(dir, 'recon.db');
  const engine = openEngine({ dbPath: db, now: fixedClock(), env: {} });
  engine.seedDemo();
  engine.runReconPass();
  const esc = engine.queries.pendingEscalations({ limit: 10 })[0]!;
  engine.operations.resolveEscalation({
    actor: 'human:dana',
    idempotencyKey: key(),
    escalationId: esc.id,
    decision: 'approve',
    rationale: 'checked against the bank statement',
  });
  const req = engine.operations.closePeriod({
    actor: 'human:carol',
    idempotencyKey: key(),
    entity: 'US01',
    period: '2026-03',
  });
  engine.operations.resolveEscalation({
    actor: 'human:dana',
    idempotencyKey: key(),
    escalationId: req.escalationId!,
    decision: 'approve',
    rationale: 'close checklist reviewed',
  });
  const pub = path.join(dir, 'auditor.pub');
  fs.writeFileSync(pub, engine.context.store.audit.publicKeyPem!);
  engine.close();
  const out = path.join(dir, 'bundle');
  const r = await cli(['audit', 'export', '--db', db, '--out', out, ...extra], dir);
  expect(r.code).toBe(0);
  return { dir, out, pub, db };
}

describe('evidence bundle (audit export / verify-bundle)', () => {
  it('round trip: every file is there, the manifest lists its SHA-256, verify-bundle passes with the public key only', async () => {
    const { out, pub, dir } = await bundle(['--period', '2026-03', '--entity', 'US01']);
    const names = fs.readdirSync(out).sort();
    expect(names).toEqual(
      [
        'MANIFEST.json',
        'MANIFEST.json.sig',
        'audit_events.jsonl',
        'controls.md',
        'escalations.csv',
        'exceptions.csv',
        'matches.csv',
        'policy.yaml',
        'public_key.pem',
        'signed_heads.jsonl',
        'verification.json',
      ].sort(),
    );
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'MANIFEST.json'), 'utf8'));
    expect(manifest).toMatchObject({
      filter: { period: '2026-03', entity: 'US01' },
      policy: { version: expect.any(String) },
    });
    const verification = JSON.parse(fs.readFileSync(path.join(out, 'verification.json'), 'utf8'));
    expect(verification).toMatchObject({ ok: true, chain: { ok: true }, state: { ok: true } });
    const esc = fs.readFileSync(path.join(out, 'escalations.csv'), 'utf8');
    expect(esc).toMatch(/^vote,\d+,.*human:dana,approve,close checklist reviewed/m);
    expect(fs.readFileSync(path.join(out, 'controls.md'), 'utf8')).toMatch(
      /Segregation of duties.*sod\.property\.test\.ts/,
    );
    fs.rmSync(path.join(dir, 'audit-signing.key')); // the auditor has no private key
    const r = await cli(['audit', 'verify-bundle', out, '--public-key', pub, '--json'], dir);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, problems: [] });
    expect(r.code).toBe(0);
  });

  it('one byte changed in any file (or a file added) is detected', async () => {
    const { out, pub, dir } = await bundle();
    for (const name of fs.readdirSync(out)) {
      const file = path.join(out, name);
      const original = fs.readFileSync(file);
      const changed = Buffer.from(original);
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at]! ^ 0x01;
      fs.writeFileSync(file, changed);
      const r = await cli(['audit', 'verify-bundle', out, '--public-key', pub, '--json'], dir);
      expect({ name, code: r.code }).toEqual({ name, code: 3 });
      fs.writeFileSync(file, original);
    }
    fs.writeFileSync(path.join(out, 'extra.csv'), 'x');
    expect((await cli(['audit', 'verify-bundle', out, '--public-key', pub], dir)).out).toMatch(
      /extra\.csv is not in the manifest/,
    );
  });

  it('a bundle re-signed with another key does not verify against the real public key', async () => {
    const { out, dir, pub } = await bundle();
    const other = await bundle();
    // swap in another book's signed manifest: signature valid, but not for this key's chain
    for (const f of ['MANIFEST.json', 'MANIFEST.json.sig'])
      fs.copyFileSync(path.join(other.out, f), path.join(out, f));
    expect((await cli(['audit', 'verify-bundle', out, '--public-key', pub], dir)).code).toBe(3);
  });

  it.skipIf(!hasPython)(
    'the independent Python verifier checks a bundle too, and finds a tampered one',
    async () => {
      const { out, pub } = await bundle();
      const py = (...a: string[]) =>
        spawnSync('python3', [PY, '--bundle', out, '--public-key', pub, ...a], { encoding: 'utf8' });
      for (const args of [[], ['--pure-ed25519']]) {
        const r = py(...args);
        expect({ status: r.status, out: r.stdout.trim() }).toMatchObject({
          status: 0,
          out: expect.stringMatching(/^ok: bundle/),
        });
      }
      const file = path.join(out, 'audit_events.jsonl');
      const text = fs.readFileSync(file, 'utf8');
      fs.writeFileSync(file, text.replace('human:dana', 'human:dano'));
      const bad = py();
      expect(bad.status).toBe(2);
    },
  );

  it('export refuses a non-empty directory and bad filters', async () => {
    const { db, dir } = await bundle();
    expect((await cli(['audit', 'export', '--db', db, '--out', path.join(dir, 'bundle')], dir)).code).toBe(1);
    expect(
      (await cli(['audit', 'export', '--db', db, '--out', path.join(dir, 'b2'), '--period', '2026-13'], dir))
        .code,
    ).toBe(2);
  });
});
