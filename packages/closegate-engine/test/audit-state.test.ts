import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyState } from '../src/audit/replay/index.js';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { openEngine, type Engine } from '../src/index.js';
import { fixedClock, key } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Demo + recon pass + a human decision on every kind of escalation + a period closed by two humans. */
function busyBook(): { db: string; engine: Engine } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-state-'));
  dirs.push(dir);
  const db = path.join(dir, 'recon.db');
  const engine = openEngine({ dbPath: db, now: fixedClock(), env: {} });
  engine.seedDemo();
  engine.runReconPass();
  const ops = engine.operations;
  const open = engine.queries.pendingEscalations({ limit: 100 });
  expect(open.length).toBeGreaterThan(1);
  ops.resolveEscalation({
    actor: 'human:dana',
    idempotencyKey: key(),
    escalationId: open[0]!.id,
    decision: 'approve',
    rationale: 'checked against the bank statement',
  });
  ops.resolveEscalation({
    actor: 'human:dana',
    idempotencyKey: key(),
    escalationId: open[1]!.id,
    decision: 'reject',
    rationale: 'wrong counterparty on the line',
  });
  const req = ops.closePeriod({
    actor: 'human:carol',
    idempotencyKey: key(),
    entity: 'US01',
    period: '2026-03',
  });
  expect(req.status).toBe('close_requested');
  for (const who of ['human:dana', 'human:erin'])
    ops.resolveEscalation({
      actor: who,
      idempotencyKey: key(),
      escalationId: req.escalationId!,
      decision: 'approve',
      rationale: 'reviewed the close checklist',
    });
  return { db, engine };
}

async function verify(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = {
    out: (t) => (out += `${t}\n`),
    err: () => undefined,
    env: { CLOSEGATE_POLICY: '' },
    stderrIsTty: false,
    cwd: process.cwd(),
  };
  return { code: await main(['audit', 'verify', ...args], io), out };
}

/** A raw connection that writes the state tables directly (they have no triggers: that is the finding). */
function raw(db: string, sql: string): void {
  const c = new Database(db);
  try {
    c.exec(sql);
  } finally {
    c.close();
  }
}

describe('audit verify --state: the tables must agree with the events', () => {
  it('a book worked through every operation replays to exactly its tables', async () => {
    const { db, engine } = busyBook();
    const report = verifyState(engine.context.store.db);
    expect(report).toMatchObject({ ok: true, differenceCount: 0, unreadable: [] });
    expect(report.checked.matches).toBeGreaterThan(10);
    expect(report.checked.votes).toBe(2);
    expect(engine.context.store.periods.get('US01', '2026-03').state).toBe('closed');
    engine.close();
    const r = await verify(['--db', db, '--state']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/state agrees with \d+ events/);
  });

  it("a raw UPDATE matches SET state = 'confirmed' → exit 3 naming the match and both values", async () => {
    const { db, engine } = busyBook();
    const id = engine.context.store.db
      .prepare("SELECT id FROM matches WHERE state = 'pending_approval' LIMIT 1")
      .pluck()
      .get() as number;
    engine.close();
    const before = await verify(['--db', db]);
    expect(before.code).toBe(0); // the chain alone cannot see it
    raw(db, `UPDATE matches SET state = 'confirmed', decided_by = 'human:alice' WHERE id = ${id}`);
    expect((await verify(['--db', db])).code).toBe(0);
    const r = await verify(['--db', db, '--state', '--json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out) as { state: { differences: unknown[] } };
    expect(json.state.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          table: 'matches',
          id: String(id),
          column: 'state',
          expected: 'pending_approval',
          actual: 'confirmed',
        }),
        expect.objectContaining({
          table: 'matches',
          id: String(id),
          column: 'decided_by',
          expected: null,
          actual: 'human:alice',
        }),
      ]),
    );
    expect((await verify(['--db', db, '--state'])).out).toMatch(
      new RegExp(`matches ${id} state: events say "pending_approval", table has "confirmed"`),
    );
  });

  it('a period closed by SQL → exit 3', async () => {
    const { db, engine } = busyBook();
    engine.close();
    raw(
      db,
      "INSERT INTO periods (entity, period, state, closed_by, closed_at) VALUES ('UK01', '2026-03', 'closed', 'human:mallory', '2026-04-01T00:00:00Z')",
    );
    const r = await verify(['--db', db, '--state', '--json']);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.out).state.differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          table: 'periods',
          id: 'UK01|2026-03',
          column: 'state',
          expected: 'open',
          actual: 'closed',
        }),
      ]),
    );
  });

  it('entries, escalations, votes and exceptions edited or inserted by SQL are each reported', () => {
    const { engine } = busyBook();
    const db = engine.context.store.db;
    const esc = db.prepare("SELECT id FROM escalations WHERE state = 'open' LIMIT 1").pluck().get() as number;
    const entry = db
      .prepare("SELECT id FROM entries WHERE state = 'unmatched' LIMIT 1")
      .pluck()
      .get() as number;
    const closeEsc = db
      .prepare("SELECT id FROM escalations WHERE action = 'close_period'")
      .pluck()
      .get() as number;
    db.exec(`UPDATE escalations SET state = 'approved', resolved_by = 'human:mallory' WHERE id = ${esc}`);
    db.exec(`UPDATE entries SET state = 'matched' WHERE id = ${entry}`);
    db.exec(`DELETE FROM approval_votes WHERE escalation_id = ${closeEsc} AND actor = 'human:erin'`);
    db.exec(
      `INSERT INTO entries (source, entity, account_code, posting_date, amount, currency, created_at, batch) VALUES ('gl', 'US01', '1010', '2026-03-02', '99.00', 'USD', 'x', 'demo-pack-2026-03')`,
    );
    const report = verifyState(db);
    expect(report.ok).toBe(false);
    const got = report.differences.map((d) => `${d.table}:${d.id}:${d.column}`);
    expect(got).toEqual(
      expect.arrayContaining([
        `escalations:${esc}:state`,
        `escalations:${esc}:resolved_by`,
        `entries:${entry}:state`,
        `approval_votes:${closeEsc}/human:erin:vote`,
        'entries:demo-pack-2026-03:count(batch)',
      ]),
    );
    engine.close();
  });
});
