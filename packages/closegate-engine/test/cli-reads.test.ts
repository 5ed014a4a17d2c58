import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { cappedNote } from '../src/cli/format.js';
import { openEngine } from '../src/engine.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The CLI in process on a real SQLite file: captured stdout/stderr and exit code. */
async function run(args: string[], env: Record<string, string> = {}) {
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

interface InboxJson {
  rows: {
    id: number;
    entity: string | null;
    account: string | null;
    counterparty: string | null;
    localAmount: string | null;
    localCurrency: string | null;
    amountUsd: string | null;
    clauseCode: string;
    tier: string;
    ageDays: number;
    subjectId: string;
  }[];
  total: number;
  limit: number;
}

describe('closegate-engine reviewer reads', () => {
  let dir: string;
  let db: string;
  const json = async <T>(args: string[], env: Record<string, string> = {}): Promise<T> => {
    const r = await run([...args, '--db', db, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-engine-reads-'));
    db = path.join(dir, 'recon.db');
    expect((await run(['demo', '--db', db])).code).toBe(0);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('escalations list: local and USD amount, entity, account, counterparty, clause and age per row', async () => {
    const all = await json<InboxJson>(['escalations', 'list']);
    expect(all.total).toBe(16);
    expect(all.rows).toHaveLength(16);
    const wire = all.rows.find((r) => r.clauseCode === 'MATERIALITY_OVER_THRESHOLD' && r.entity === 'US01')!;
    expect(wire).toMatchObject({
      account: '1010',
      counterparty: 'Globex',
      localAmount: '250000.00',
      localCurrency: 'USD',
      amountUsd: '250000.00',
      tier: 'T2',
    });
    expect(wire.ageDays).toBeGreaterThanOrEqual(0);
    // a JPY escalation shows both the yen and the USD figure
    const yen = all.rows.find((r) => r.localCurrency === 'JPY' && r.localAmount === '132500')!;
    expect(yen.amountUsd).toBe('861.25');

    const text = await run(['escalations', 'list', '--db', db]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+AGE\s+ENTITY\s+ACCOUNT\s+COUNTERPARTY\s+LOCAL\s+CCY\s+USD\s+TIER\s+CLAUSE$/,
    );
    expect(lines).toHaveLength(17); // header + 16, nothing capped
    expect(text.stdout).toMatch(/JP01\s+1010\s+-\s+132500\s+JPY\s+861\.25\s+T2\s+STRATEGY_REQUIRES_HUMAN/);
    expect(text.stdout).not.toMatch(/showing/);
  });

  it('escalations list filters by entity and tier, and says when the list is capped', async () => {
    const jp = await json<InboxJson>(['escalations', 'list', '--entity', 'JP01']);
    expect(jp.total).toBe(3);
    expect(jp.rows.every((r) => r.entity === 'JP01')).toBe(true);
    const t3 = await run(['escalations', 'list', '--db', db, '--tier', 'T3']);
    expect(t3.stdout.trim()).toBe('no open escalations');

    const capped = await run(['escalations', 'list', '--db', db, '--limit', '3']);
    const lines = capped.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('showing 3 of 16; --limit to see more');
    expect((await json<InboxJson>(['escalations', 'list', '--limit', '3'])).rows).toHaveLength(3);
    // oldest first, then by id: the first page is the lowest ids
    expect((await json<InboxJson>(['escalations', 'list', '--limit', '3'])).rows.map((r) => r.id)).toEqual([
      1, 2, 3,
    ]);

    for (const bad of [
      ['--limit', '0'],
      ['--limit', '1001'],
      ['--limit', 'ten'],
      ['--tier', 'T9'],
    ]) {
      const r = await run(['escalations', 'list', '--db', db, ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^error: ${bad[0]} ${bad[1]}: must be`));
    }
  });

  it('capped lists count with thousands separators', () => {
    expect(cappedNote(50, 1234)).toBe('showing 50 of 1,234; --limit to see more');
    expect(cappedNote(50, 50)).toBeNull();
  });

  it('escalations show: both sides, FX, variance, verbatim clause, pointer, policy version, proposer, audit events', async () => {
    const all = await json<InboxJson>(['escalations', 'list']);
    const wire = all.rows.find((r) => r.clauseCode === 'MATERIALITY_OVER_THRESHOLD' && r.entity === 'US01')!;
    const policy = await run([
      'policy',
      'check',
      '--json',
      path.join(ROOT, 'packages/closegate-policy/examples/policy.yaml'),
    ]);
    const version = (JSON.parse(policy.stdout) as { version: string }).version;

    const shown = await run(['escalations', 'show', String(wire.id), '--db', db]);
    expect(shown.code).toBe(0);
    const out = shown.stdout;
    expect(out).toContain(`escalation ${wire.id}: open, T2, MATERIALITY_OVER_THRESHOLD`);
    expect(out).toContain(
      `clause: "A match above materiality (USD threshold, or the entity's local-currency override) is confirmed by a human." [/rules/materiality_over_threshold] (policy ${version})`,
    );
    expect(out).toMatch(/proposer: engine:matcher -- "/);
    expect(out).toMatch(/votes: 0 of 1 needed/);
    expect(out).toMatch(
      /General ledger \(1 line\):\n\s+entry \d+\s+2026-03-\d\d\s+US01\s+1010\s+WIRE-9001\s+.+\s+250000\.00\s+USD/,
    );
    expect(out).toMatch(/Bank \(1 line\):\n\s+entry \d+\s+2026-03-\d\d\s+US01\s+1010\s+WIRE-9001/);
    expect(out).toMatch(/FX: none \(single currency\)\nvariance \(USD\): 0\.00/);
    expect(out).toMatch(
      /audit events \(2\):\n\s+#\d+\s+\S+\s+engine:matcher\s+MATCH_PROPOSED\n\s+#\d+\s+\S+\s+engine:autoconfirm\s+MATCH_ESCALATED/,
    );

    // a JPY match shows the FX record it was converted with
    const yen = all.rows.find((r) => r.localCurrency === 'JPY' && r.localAmount === '132500')!;
    const fx = await run(['escalations', 'show', String(yen.id), '--db', db]);
    expect(fx.stdout).toMatch(/FX: 1 JPY = 0\.0065 USD \(fixed-table:direct, as of 2026-01-01\)/);

    // deciding it shows up: resolution, and the confirm in the match's audit events
    const approve = await run(
      ['escalations', 'approve', String(wire.id), '--db', db, '--rationale', 'wire agreed to the contract'],
      { CLOSEGATE_ACTOR_ID: 'human:alice' },
    );
    expect(approve.code, approve.stderr).toBe(0);
    const after = await json<{
      escalation: { state: string; resolvedBy: string };
      auditEvents: { type: string; actor: string }[];
      canDecide?: boolean;
      cannotDecideReason?: string | null;
    }>(['escalations', 'show', String(wire.id)], { CLOSEGATE_ACTOR_ID: 'human:bob' });
    expect(after.escalation).toMatchObject({ state: 'approved', resolvedBy: 'human:alice' });
    expect(after.auditEvents.map((e) => e.type)).toEqual([
      'MATCH_PROPOSED',
      'MATCH_ESCALATED',
      'MATCH_CONFIRMED',
    ]);
    expect(after).toMatchObject({ canDecide: false, cannotDecideReason: 'resolved' });
    const text = await run(['escalations', 'show', String(wire.id), '--db', db]);
    expect(text.stdout).toMatch(/resolved by human:alice at \S+ -- "wire agreed to the contract"/);
  });

  it('escalations show lists T3 votes of a period close, and who may not decide it', async () => {
    const e = openEngine({ dbPath: db, env: {} });
    const req = e.operations.closePeriod({
      actor: 'human:carol',
      idempotencyKey: 'reads-close-1',
      entity: 'IN01',
      period: '2026-03',
    });
    e.close();
    const id = String(req.escalationId);
    expect(
      (
        await run(['escalations', 'approve', id, '--db', db, '--rationale', 'books reviewed'], {
          CLOSEGATE_ACTOR_ID: 'human:dave',
        })
      ).code,
    ).toBe(0);
    const shown = await run(['escalations', 'show', id, '--db', db], { CLOSEGATE_ACTOR_ID: 'human:carol' });
    expect(shown.stdout).toMatch(/T3, T3_DUAL_APPROVAL_REQUIRED/);
    expect(shown.stdout).toMatch(/votes: 1 of 2 needed: human:dave approve \("books reviewed"\)/);
    expect(shown.stdout).toMatch(/human:carol cannot decide this escalation: requester/);
    expect(shown.stdout).not.toMatch(/General ledger/);
    const t3 = await json<InboxJson>(['escalations', 'list', '--tier', 'T3']);
    expect(t3.rows).toHaveLength(1);
    expect(t3.rows[0]).toMatchObject({ entity: 'IN01', subjectId: 'IN01|2026-03', amountUsd: null });
  });

  it('escalations show and matches show: unknown ids are NOT_FOUND, malformed ids a usage error', async () => {
    const missing = await run(['escalations', 'show', '9999', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error NOT_FOUND: escalation 9999 does not exist\n');
    expect((await run(['matches', 'show', '9999', '--db', db])).stderr).toBe(
      'error NOT_FOUND: match 9999 does not exist\n',
    );
    for (const bad of ['0', '1e3', "1' OR 1=1", '99999999999999999']) {
      const r = await run(['matches', 'show', bad, '--db', db]);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toBe(
        "error: ID must be a positive integer\nrun 'closegate-engine matches show --help'\n",
      );
    }
  });

  it('matches show: an intercompany match with both entities, the FX record and a zero variance', async () => {
    const list = await json<InboxJson>(['escalations', 'list', '--entity', 'US01', '--account', '1950']);
    const matchId = list.rows[0]!.subjectId;
    const r = await run(['matches', 'show', matchId, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^match ${matchId}: fuzzy, pending_approval, USD 6500\\.00, score \\S+, intercompany`),
    );
    expect(r.stdout).toMatch(/US01 GL \(1 line\):\n.*IC-2026-03-JP.*6500\.00\s+USD/);
    expect(r.stdout).toMatch(/JP01 GL \(1 line\):\n.*IC-2026-03-JP.*-1000000\s+JPY/);
    expect(r.stdout).toMatch(/FX: 1 JPY = 0\.0065 USD/);
    expect(r.stdout).toMatch(/variance \(USD\): 0\.00/);
    expect(r.stdout).toMatch(/escalation \d+: open, T2, ACCOUNT_FORCED_HUMAN/);
    const j = await json<{
      match: { id: number; entries: unknown[] };
      varianceUsd: string;
      auditEvents: unknown[];
    }>(['matches', 'show', matchId]);
    expect(j.match.id).toBe(Number(matchId));
    expect(j.match.entries).toHaveLength(2);
    expect(j.varianceUsd).toBe('0.00');
    expect(j.auditEvents.length).toBeGreaterThanOrEqual(2);
  });

  it('exceptions list: reasons, filters, and the capped note', async () => {
    type X = { rows: { reasonCode: string; entry: { entity: string; reference: string } }[]; total: number };
    const all = await json<X>(['exceptions', 'list']);
    expect(all.total).toBe(6);
    expect(all.rows.filter((x) => x.reasonCode === 'AMOUNT_MISMATCH').map((x) => x.entry.reference)).toEqual([
      'INV-4400',
      'INV-4400',
    ]);
    expect((await json<X>(['exceptions', 'list', '--reason', 'AMOUNT_MISMATCH'])).total).toBe(2);
    expect(
      (await json<X>(['exceptions', 'list', '--entity', 'JP01'])).rows.map((x) => x.entry.reference),
    ).toEqual(['JP-FEE-31']);
    const text = await run(['exceptions', 'list', '--db', db, '--limit', '2']);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+ENTRY\s+AGE\s+ENTITY\s+ACCOUNT\s+SOURCE\s+DATE\s+AMOUNT\s+CCY\s+REFERENCE\s+REASON$/,
    );
    expect(lines[1]).toMatch(
      /US01\s+1010\s+bank\s+2026-03-31\s+-45\.00\s+USD\s+FEE-0331\s+NO_CANDIDATE: no candidate line found$/,
    );
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('showing 2 of 6; --limit to see more');
    expect((await run(['exceptions', 'list', '--db', db, '--entity', 'XX99'])).stdout).toBe(
      'no open exceptions\n',
    );
  });

  it('recon summary: per entity matched / escalated / exceptions, counts and amounts agree with the lines', async () => {
    type S = {
      entities: {
        entity: string;
        matched: { count: number; totals: Record<string, string> };
        escalated: { count: number; totals: Record<string, string> };
        exceptions: { count: number; totals: Record<string, string> };
        proposed: { count: number };
        unmatched: { count: number };
      }[];
      openEscalations: number;
      openExceptions: number;
    };
    const s = await json<S>(['recon', 'summary']);
    expect(s.entities.map((x) => x.entity)).toEqual(['IN01', 'JP01', 'US01']);
    // the books' own counts, straight from SQLite
    const e = openEngine({ dbPath: db, env: {} });
    const byState = e.context.store.db
      .prepare(`SELECT entity, state, COUNT(*) AS n FROM entries GROUP BY entity, state`)
      .all() as { entity: string; state: string; n: number }[];
    const escalatedLines = e.context.store.db
      .prepare(
        `SELECT en.entity, COUNT(*) AS n FROM entries en JOIN match_lines ml ON ml.entry_id = en.id
         JOIN matches m ON m.id = ml.match_id WHERE m.state = 'pending_approval' GROUP BY en.entity`,
      )
      .all() as { entity: string; n: number }[];
    e.close();
    for (const x of s.entities) {
      const n = (state: string) => byState.find((r) => r.entity === x.entity && r.state === state)?.n ?? 0;
      expect(x.matched.count, x.entity).toBe(n('matched'));
      expect(x.exceptions.count, x.entity).toBe(n('exception'));
      expect(x.escalated.count, x.entity).toBe(escalatedLines.find((r) => r.entity === x.entity)?.n ?? 0);
    }
    const jp = s.entities.find((x) => x.entity === 'JP01')!;
    expect(jp.exceptions.totals).toEqual({ JPY: '-660' });
    expect(s.openExceptions).toBe(6);

    const text = await run(['recon', 'summary', '--db', db, '--entity', 'JP01']);
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ENTITY\s+MATCHED\s+AMOUNT\s+ESCALATED\s+AMOUNT\s+EXCEPTIONS\s+AMOUNT\s+OPEN\s+AMOUNT$/,
    );
    expect(lines[1]).toMatch(
      new RegExp(`^JP01\\s+${jp.matched.count}\\s+${jp.matched.totals.JPY} JPY\\s+${jp.escalated.count}\\s+`),
    );
    expect(lines.filter((l) => l.startsWith('US01'))).toHaveLength(0);
    expect((await run(['recon', 'summary', '--db', db, '--period', '2026-13'])).stderr).toMatch(
      /^error: --period 2026-13: expected YYYY-MM\n/,
    );
  });

  it('every read has --help and --json', async () => {
    for (const c of [
      ['escalations', 'list'],
      ['escalations', 'show'],
      ['matches', 'show'],
      ['exceptions', 'list'],
      ['recon', 'summary'],
    ]) {
      const h = await run([...c, '--help']);
      expect(h.code, c.join(' ')).toBe(0);
      expect(h.stdout, c.join(' ')).toContain(`closegate-engine ${c[0]}`);
      expect(h.stdout, c.join(' ')).toContain('--json');
    }
  });
});
