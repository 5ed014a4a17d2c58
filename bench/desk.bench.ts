// Bench: the desk's /api reads on a large book, against a bare SQLite query of the same rows.
// Book: CLOSEGATE_BENCH_DESK_LINES lines (default 100,000) of which CLOSEGATE_BENCH_DESK_ESCALATIONS
// pairs (default 10,000) are proposed by an llm and escalated (real propose + escalate operations,
// so the audit chain holds their events). The engine's MCP server (header-trust) and the agent
// service run in this process; one logged-in human (dev login) calls sequentially:
//   inbox   GET /api/escalations?page=N&pageSize=50 (oldest first; and sorted by USD amount)
//   detail  GET /api/escalations/:id (both sides, FX, clause, audit events of the match, votes)
// Baseline: the same rows straight from SQLite on a read connection (no HTTP, no MCP, no audit append).
// Each /api read is also an audited MCP tool call (one MCP_TOOL_CALL append per request).
// Page load: the built desk (packages/closegate-desk/dist, built when missing) served by the same
// service, loaded cold CLOSEGATE_BENCH_DESK_PAGE_RUNS times (default 20) in headless Debian Chromium
// (bench/lib/desk-page-load.ts): bytes transferred and time to interactive (inbox rendered and
// focusable). Skipped, with a message, without /usr/bin/chromium (or CLOSEGATE_CHROMIUM).
// Run: npm run bench -- desk   (small: CLOSEGATE_BENCH_DESK_LINES=2000 CLOSEGATE_BENCH_DESK_ESCALATIONS=200)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openEngine } from 'closegate-engine';
import { createLogger } from 'mcp-host';
import { latencyStats } from './lib/stats.js';
import { ensureDeskBuild, measureDeskPageLoad } from './lib/desk-page-load.js';
import {
  closeMcpDeps,
  httpAuthFromEnv,
  openMcpDeps,
  serveCloseGateHttp,
} from '../packages/closegate-engine/src/mcp/index.js';
import { startServer } from '../packages/closegate-agent/src/server/index.js';

const LINES = Number(process.env.CLOSEGATE_BENCH_DESK_LINES ?? 100_000);
const ESCALATIONS = Number(process.env.CLOSEGATE_BENCH_DESK_ESCALATIONS ?? 10_000);
const SAMPLES = Number(process.env.CLOSEGATE_BENCH_DESK_SAMPLES ?? 300);
const PAGE_RUNS = Number(process.env.CLOSEGATE_BENCH_DESK_PAGE_RUNS ?? 20);
const WARMUP = 30;
const PAGE_SIZE = 50;
const SERVICE_TOKEN = 'desk-bench-service-token-0123456789';
const quiet = createLogger('desk-bench', { level: 'silent' });

function buildBook(dbPath: string): void {
  if (ESCALATIONS * 2 > LINES)
    throw new Error('CLOSEGATE_BENCH_DESK_ESCALATIONS must be at most half the lines');
  const engine = openEngine({ dbPath });
  try {
    engine.seedDemo();
    const db = engine.context.store.db;
    const insert = db.prepare(`INSERT INTO entries
      (source, entity, account_code, posting_date, amount, currency, reference, description, counterparty, state, batch, created_at)
      VALUES (?, 'US01', '1010', ?, ?, 'USD', ?, ?, ?, 'unmatched', 'desk-bench', ?)`);
    const now = new Date().toISOString();
    const first = (db.prepare('SELECT COALESCE(MAX(id), 0) + 1 AS n FROM entries').get() as { n: number }).n;
    db.transaction(() => {
      for (let i = 0; i < LINES; i++) {
        const pair = Math.floor(i / 2);
        const day = String(1 + (pair % 28)).padStart(2, '0');
        const amount = `${1000 + (pair % 90_000)}.${String(pair % 100).padStart(2, '0')}`;
        insert.run(
          i % 2 === 0 ? 'gl' : 'bank',
          `2026-03-${day}`,
          amount,
          `INV-${pair}`,
          `invoice ${pair}`,
          `Vendor ${pair % 500}`,
          now,
        );
      }
    })();
    for (let p = 0; p < ESCALATIONS; p++) {
      const ids = [first + 2 * p, first + 2 * p + 1];
      const proposed = engine.operations.propose({
        actor: 'llm:bench-agent',
        idempotencyKey: `p-${p}`,
        entryIds: ids,
        rationale: 'same amount and reference',
      });
      engine.operations.escalate({
        actor: 'llm:bench-agent',
        idempotencyKey: `e-${p}`,
        matchId: proposed.matchId!,
        reason: 'needs a human',
      });
    }
  } finally {
    engine.close();
  }
}

/** The inbox page and the detail, as plain SQL on a read connection. */
function bareQueries(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  const page =
    db.prepare(`SELECT e.*, m.amount_usd, m.proposed_by, f.entity, f.account_code, f.counterparty, f.amount, f.currency
    FROM escalations e
    LEFT JOIN matches m ON e.subject_kind = 'match' AND m.id = CAST(e.subject_id AS INTEGER)
    LEFT JOIN entries f ON f.id = (SELECT MIN(entry_id) FROM match_lines WHERE match_id = m.id)
    WHERE e.state = 'open' ORDER BY e.created_at, e.id LIMIT ? OFFSET ?`);
  const esc = db.prepare('SELECT * FROM escalations WHERE id = ?');
  const votes = db.prepare('SELECT * FROM approval_votes WHERE escalation_id = ?');
  const match = db.prepare('SELECT * FROM matches WHERE id = ?');
  const lines = db.prepare(
    'SELECT en.* FROM match_lines ml JOIN entries en ON en.id = ml.entry_id WHERE ml.match_id = ?',
  );
  const events = db.prepare(
    "SELECT * FROM audit_events WHERE json_extract(payload, '$.matchId') = ? ORDER BY seq DESC LIMIT 200",
  );
  return {
    page: (n: number) => page.all(PAGE_SIZE, (n - 1) * PAGE_SIZE),
    detail: (id: number) => {
      const e = esc.get(id) as { subject_id: string };
      votes.all(id);
      const m = Number(e.subject_id);
      return [match.get(m), lines.all(m), events.all(m)];
    },
    ids: () =>
      (db.prepare("SELECT id FROM escalations WHERE state = 'open'").all() as { id: number }[]).map(
        (r) => r.id,
      ),
    close: () => db.close(),
  };
}

async function time(n: number, f: (i: number) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < WARMUP + n; i++) {
    const t = performance.now();
    await f(i);
    if (i >= WARMUP) samples.push(performance.now() - t);
  }
  return samples;
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'closegate-desk-bench-'));
  const dbPath = join(dir, 'recon.db');
  console.error(`desk bench: building a book of ${LINES} lines with ${ESCALATIONS} open escalations ...`);
  buildBook(dbPath);
  const assetsDir = await ensureDeskBuild();
  const env = { CLOSEGATE_AUTH_BACKEND: 'header-trust', CLOSEGATE_SERVICE_TOKEN: SERVICE_TOKEN };
  const deps = openMcpDeps({ dbPath, env, logger: quiet });
  const host = await serveCloseGateHttp(
    deps,
    { host: '127.0.0.1', port: 0 },
    httpAuthFromEnv(env, () => 'b'),
  );
  const service = await startServer({
    engine: { url: host.url, serviceToken: SERVICE_TOKEN },
    devUser: 'bench-reviewer',
    assetsDir,
    logger: quiet,
  });
  const bare = bareQueries(dbPath);
  try {
    const login = await fetch(service.devLoginUrl!, { redirect: 'manual' });
    const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const get = async (path: string) => {
      const res = await fetch(`${service.url}${path}`, { headers: { cookie } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const ids = bare.ids();
    const pages = Math.max(1, Math.ceil(ids.length / PAGE_SIZE));
    const pick = (i: number) => ids[(i * 7919) % ids.length]!;
    const pageOf = (i: number) => 1 + ((i * 31) % pages);
    const results = {
      apiInbox: latencyStats(
        await time(SAMPLES, (i) => get(`/api/escalations?page=${pageOf(i)}&pageSize=${PAGE_SIZE}`)),
      ),
      apiInboxByAmount: latencyStats(
        await time(SAMPLES, (i) =>
          get(`/api/escalations?sort=amountUsd&order=desc&page=${pageOf(i)}&pageSize=${PAGE_SIZE}`),
        ),
      ),
      apiDetail: latencyStats(await time(SAMPLES, (i) => get(`/api/escalations/${pick(i)}`))),
      bareInbox: latencyStats(await time(SAMPLES, (i) => bare.page(pageOf(i)))),
      bareDetail: latencyStats(await time(SAMPLES, (i) => bare.detail(pick(i)))),
    };
    for (const [k, v] of Object.entries(results))
      console.log(`desk bench: ${k.padEnd(16)} n=${v.n} p50=${v.p50} ms p99=${v.p99} ms mean=${v.mean} ms`);
    // After the /api figures, so the browser's CPU use does not disturb them.
    const pageLoad = await measureDeskPageLoad(service.url, cookie, PAGE_RUNS);
    if (pageLoad !== null)
      console.log(
        `desk bench: pageLoad cold n=${pageLoad.runs} tti p50=${pageLoad.ttiMs.p50} ms p99=${pageLoad.ttiMs.p99} ms; ` +
          `bytes p50=${pageLoad.bytes.p50} (api ${pageLoad.apiBytesP50}) in ${pageLoad.requestsP50} requests`,
      );
    const out = join(dirname(fileURLToPath(import.meta.url)), 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'desk.json'),
      `${JSON.stringify(
        {
          bench: 'desk',
          date: new Date().toISOString(),
          node: process.version,
          cpus: cpus().length,
          book: { lines: LINES, openEscalations: ids.length },
          method:
            'sequential GETs from one dev-login session; /api -> engine MCP (header-trust, audited T0 call) in one process; bare = the same rows from SQLite on a read-only connection',
          results,
          pageLoad: pageLoad ?? { skipped: 'no Chromium' },
          elapsedMs: Date.now() - started,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    bare.close();
    await service.close();
    await host.close();
    closeMcpDeps(deps);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
