import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { alignedRows } from '../src/cli/shared.js';
import { tempDir } from './helpers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/closegate-engine/src/cli/main.ts');

function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CLOSEGATE_DB: '', CLOSEGATE_ACTOR_ID: '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Same CLI, in process (fast): captured stdout/stderr and exit code. */
async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { CLOSEGATE_POLICY: '', ...env },
    stderrIsTty: false,
    cwd: ROOT,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

describe('closegate-engine CLI', () => {
  const dir = tempDir();
  const db = path.join(dir, 'recon.db');

  it('demo seeds, reconciles, prints escalations with clause text and an intact chain', async () => {
    const r = cli(['demo', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Auto-confirmed by engine:autoconfirm/);
    expect(r.stdout).toMatch(/MATERIALITY_OVER_THRESHOLD: "A match above materiality/);
    expect(r.stdout).toMatch(/Audit chain intact: \d+ events/);
    expect(fs.statSync(db).mode & 0o777).toBe(0o600);
    const json = JSON.parse((await run(['demo', '--db', db, '--json'])).stdout) as {
      audit: { ok: boolean };
      escalated: unknown[];
    };
    expect(json.audit.ok).toBe(true);
    expect(json.escalated.length).toBeGreaterThan(0);
  });

  it('audit verify exits 0 on the original and 3 on a tampered copy, naming the first broken seq', async () => {
    expect((await run(['audit', 'verify', '--db', db])).code).toBe(0);
    const head = (await run(['audit', 'head', '--db', db])).stdout.trim();
    expect(head).toMatch(/^\d+:[0-9a-f]{64}$/);

    const edited = path.join(dir, 'edited.db');
    fs.copyFileSync(db, edited);
    const raw = new Database(edited);
    raw.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;');
    raw.prepare("UPDATE audit_events SET actor = 'human:mallory' WHERE seq = 7").run();
    raw.close();
    const broken = cli(['audit', 'verify', '--db', edited]);
    expect(broken.code).toBe(3);
    expect(broken.stdout).toMatch(/BROKEN at seq 7/);

    // a deleted middle row and two swapped rows are found too
    const deleted = path.join(dir, 'deleted.db');
    fs.copyFileSync(db, deleted);
    const d = new Database(deleted);
    d.exec('DROP TRIGGER audit_events_no_delete;');
    d.prepare('DELETE FROM audit_events WHERE seq = 5').run();
    d.close();
    expect((await run(['audit', 'verify', '--db', deleted])).stdout).toMatch(/BROKEN at seq [56]/);
    const swapped = path.join(dir, 'swapped.db');
    fs.copyFileSync(db, swapped);
    const w = new Database(swapped);
    w.exec('DROP TRIGGER audit_events_no_update;');
    w.exec(
      `UPDATE audit_events SET seq = -1 WHERE seq = 3; UPDATE audit_events SET seq = 3 WHERE seq = 4; UPDATE audit_events SET seq = 4 WHERE seq = -1;`,
    );
    w.close();
    const sw = await run(['audit', 'verify', '--db', swapped, '--json']);
    expect(sw.code).toBe(3);
    expect(JSON.parse(sw.stdout)).toMatchObject({ ok: false, brokenSeq: 3 });

    // truncating the newest rows is only visible against an exported head
    const truncated = path.join(dir, 'truncated.db');
    fs.copyFileSync(db, truncated);
    const t = new Database(truncated);
    t.exec('DROP TRIGGER audit_events_no_delete;');
    t.prepare('DELETE FROM audit_events WHERE seq > ?').run(Number(head.split(':')[0]) - 3);
    t.close();
    // the engine signs every transaction's head: the signed heads name the lost tail even without --expect-head
    const plain = await run(['audit', 'verify', '--db', truncated, '--json']);
    expect(plain.code).toBe(3);
    expect(JSON.parse(plain.stdout)).toMatchObject({ ok: false, reason: 'truncated' });
    const r = cli(['audit', 'verify', '--db', truncated, '--expect-head', head, '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false });
    expect((await run(['audit', 'verify', '--db', db, '--expect-head', 'nonsense'])).code).toBe(2);
  });

  it('escalations approve acts only as a human from CLOSEGATE_ACTOR_ID, and the gate still applies', async () => {
    const list = JSON.parse((await run(['escalations', 'list', '--db', db, '--json'])).stdout) as {
      rows: { id: number; clauseCode: string }[];
    };
    const material = list.rows.find((x) => x.clauseCode === 'MATERIALITY_OVER_THRESHOLD')!;
    expect(
      (
        await run(['escalations', 'approve', String(material.id), '--db', db], {
          CLOSEGATE_ACTOR_ID: 'llm:agent',
        })
      ).code,
    ).toBe(2);
    expect((await run(['escalations', 'approve', String(material.id), '--db', db])).code).toBe(2);
    const denied = await run(['escalations', 'approve', String(material.id), '--db', db], {
      CLOSEGATE_ACTOR_ID: 'human:alice',
    });
    expect(denied.code).toBe(4);
    expect(denied.stdout).toMatch(/MISSING_RATIONALE/);
    const ok = await run(
      [
        'escalations',
        'approve',
        String(material.id),
        '--db',
        db,
        '--rationale',
        'agreed to the signed contract',
        '--json',
      ],
      {
        CLOSEGATE_ACTOR_ID: 'human:alice',
      },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: 'confirmed' });
    const q = JSON.parse(
      (await run(['audit', 'query', '--db', db, '--actor', 'human:alice', '--json'])).stdout,
    ) as { type: string }[];
    expect(q.map((x) => x.type)).toEqual(['POLICY_VIOLATION', 'MATCH_CONFIRMED']);
  });

  it('import rejects a bad file whole, with row numbers; policy check validates; every command has --help', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty\r\ngl,US01,1010,2026-04-01,12.5e1,USD,R,x,\r\n',
    );
    const r = await run(['import', '--db', db, bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/row 2: amount/);
    expect(
      (await run(['policy', 'check', path.join(ROOT, 'packages/closegate-policy/examples/policy.yaml')]))
        .code,
    ).toBe(0);
    const badPolicy = path.join(dir, 'bad.yaml');
    fs.writeFileSync(badPolicy, 'version: x\nmateriality_threshold_usd: 10000\n');
    const p = await run(['policy', 'check', badPolicy]);
    expect(p.code).toBe(1);
    expect(p.stderr).toMatch(/materiality_threshold_usd/);
    for (const c of [
      ['demo'],
      ['import'],
      ['recon', 'run'],
      ['audit', 'verify'],
      ['escalations', 'list'],
      ['policy', 'check'],
    ]) {
      const h = await run([...c, '--help']);
      expect(h.code, c.join(' ')).toBe(0);
      expect(h.stdout).toMatch(/usage: closegate-engine/);
    }
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['recon', 'run', '--db', db, '--bogus'])).code).toBe(2);
  });
});

describe('alignedRows', () => {
  it('pads each column to its widest cell, right-aligns amounts, leaves no trailing spaces', () => {
    const lines = alignedRows(
      [
        ['match 1', 'exact', '1200.00', 'INV-1'],
        ['match 10', 'many_to_one', '-45.00', ''],
      ],
      [false, false, true],
    );
    expect(lines).toEqual(['match 1   exact        1200.00  INV-1', 'match 10  many_to_one   -45.00']);
  });
});
