import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine } from '../src/index.js';
import { fixedClock, key } from './helpers.js';

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
  return { code: await main(['audit', ...args], io), out };
}

describe('audit snapshot: incremental signed segments, restorable', () => {
  it('writes one segment per new signed head range, never rewrites, and the restored chain verifies', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-snap-'));
    dirs.push(dir);
    const db = path.join(dir, 'recon.db');
    const store = path.join(dir, 'worm');
    const pub = path.join(dir, 'audit.pub');
    let engine = openEngine({ dbPath: db, now: fixedClock(), env: {} });
    engine.seedDemo();
    engine.runReconPass();
    fs.writeFileSync(pub, engine.context.store.audit.publicKeyPem!);
    const head1 = engine.context.store.audit.head()!;
    engine.close();

    const first = await cli(['snapshot', '--db', db, '--to', store, '--json'], dir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ fromSeq: 1, toSeq: head1.seq });
    const again = await cli(['snapshot', '--db', db, '--to', store, '--json'], dir);
    expect(JSON.parse(again.out)).toMatchObject({ written: null });
    const firstFiles = Object.fromEntries(
      fs.readdirSync(store).map((f) => [f, fs.readFileSync(path.join(store, f), 'utf8')]),
    );

    engine = openEngine({ dbPath: db, now: fixedClock('2026-04-03T00:00:00.000Z'), env: {} });
    const esc = engine.queries.pendingEscalations({ limit: 5 })[0]!;
    engine.operations.resolveEscalation({
      actor: 'human:dana',
      idempotencyKey: key(),
      escalationId: esc.id,
      decision: 'approve',
      rationale: 'checked against the bank statement',
    });
    const head2 = engine.context.store.audit.head()!;
    engine.close();
    const second = await cli(['snapshot', '--db', db, '--to', store, '--json'], dir);
    expect(JSON.parse(second.out)).toMatchObject({ fromSeq: head1.seq + 1, toSeq: head2.seq });
    // append-only: the first segment's files are byte for byte unchanged
    for (const [f, text] of Object.entries(firstFiles))
      expect(fs.readFileSync(path.join(store, f), 'utf8')).toBe(text);
    expect(fs.readdirSync(store).filter((f) => f.endsWith('.manifest.json'))).toHaveLength(2);

    // restore: the segments alone rebuild a chain that verifies with the public key
    fs.rmSync(db);
    const ok = await cli(['verify-snapshots', store, '--public-key', pub, '--json'], dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, segments: 2, events: head2.seq });

    // a tampered or missing segment is caught
    const seg = fs.readdirSync(store).find((f) => f.endsWith('.jsonl') && !f.endsWith('.heads.jsonl'))!;
    const text = fs.readFileSync(path.join(store, seg), 'utf8');
    fs.writeFileSync(path.join(store, seg), text.replace('engine:matcher', 'engine:matchex'));
    expect((await cli(['verify-snapshots', store, '--public-key', pub], dir)).code).toBe(3);
    fs.writeFileSync(path.join(store, seg), text);
    for (const f of fs.readdirSync(store))
      if (f.startsWith(seg.slice(0, -'.jsonl'.length))) fs.rmSync(path.join(store, f));
    const gap = await cli(['verify-snapshots', store, '--public-key', pub], dir);
    expect(gap.code).toBe(3);
    expect(gap.out).toMatch(/expected 1/);
  });
});
