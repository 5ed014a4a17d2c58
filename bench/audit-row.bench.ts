/**
 * What one audit row of the recon floor costs, and what each part of the
 * audit table's shape adds to it: the floor's rows (bench/lib/recon-bare.ts,
 * a proposal and a confirmation per pair, chained and hashed in the engine's
 * format, 16 per INSERT, 2,000 pairs per transaction) appended to a new file
 * with the recon store's real schema (every migration), and to throwaway
 * variants of it. Variants are alternated within each round and compared by
 * CPU time (every thread of the process).
 *
 *   npm run bench -- audit-row
 *   CLOSEGATE_BENCH_AUDIT_ROWS=300000 CLOSEGATE_BENCH_AUDIT_ROUNDS=5 \
 *   CLOSEGATE_BENCH_AUDIT_VARIANTS=shipped,page-8192 npm run bench -- audit-row
 *
 * The variants that drop a trigger or an index are measurements only: they
 * show what that control costs, they are not options of the store.
 * Writes bench/results/audit-row.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { migrate } from 'closegate-engine';
import { BareAudit, cpuMsSince } from './lib/recon-bare.js';
import { median } from './lib/stats.js';

interface Variant {
  /** Set on the new file before its first table. */
  pageSize?: number;
  /** Run after the migrations, on this throwaway file only. */
  sql?: string;
  /** `PRAGMA wal_autocheckpoint` (SQLite's default 1,000 pages: the floor's). */
  autocheckpointPages?: number;
}

const VARIANTS: Record<string, Variant> = {
  shipped: {},
  'page-8192': { pageSize: 8192 },
  'page-16384': { pageSize: 16384 },
  'no-replace-trigger': { sql: 'DROP TRIGGER audit_events_no_replace' },
  'no-json-indexes': { sql: 'DROP INDEX audit_events_by_match; DROP INDEX audit_events_by_escalation' },
  'no-query-indexes': {
    sql: 'DROP INDEX audit_events_actor_idx; DROP INDEX audit_events_type_idx; DROP INDEX audit_events_ts_idx',
  },
  // what the chain itself needs (seq, the unique event id, the append-only triggers) and nothing the desk or queries use
  'chain-only': {
    sql:
      'DROP INDEX audit_events_actor_idx; DROP INDEX audit_events_type_idx; DROP INDEX audit_events_ts_idx;' +
      ' DROP INDEX audit_events_by_match; DROP INDEX audit_events_by_escalation',
  },
  'checkpoint-10000': { autocheckpointPages: 10_000 },
  'no-checkpoints': { autocheckpointPages: 0 },
};

const ROWS = Number(process.env.CLOSEGATE_BENCH_AUDIT_ROWS ?? 200_000);
const ROUNDS = Number(process.env.CLOSEGATE_BENCH_AUDIT_ROUNDS ?? 3);
const NAMES = (process.env.CLOSEGATE_BENCH_AUDIT_VARIANTS ?? Object.keys(VARIANTS).join(','))
  .split(',')
  .filter((n) => n !== '');
const PAIRS_PER_TX = 2000;

/** CPU microseconds per row of appending `rows` floor rows to a new file shaped by `variant`. */
function appendCost(dir: string, variant: Variant, rows: number): { usPerRow: number; walMb: number } {
  const file = path.join(dir, `audit-${process.hrtime.bigint()}.db`);
  const db = new Database(file);
  if (variant.pageSize !== undefined) db.pragma(`page_size = ${variant.pageSize}`);
  // as bareReconPass opens its copy
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  migrate(db);
  if (variant.sql !== undefined) db.exec(variant.sql);
  if (variant.autocheckpointPages !== undefined)
    db.pragma(`wal_autocheckpoint = ${variant.autocheckpointPages}`);
  const audit = new BareAudit(db);
  const pairs = rows / 2;
  const batch = db.transaction((from: number, to: number) => {
    for (let m = from; m < to; m++)
      audit.pair(m, 2 * m, 2 * m + 1, `${m % 100_000}.${String(m % 100).padStart(2, '0')}`);
    audit.flush();
  });
  const cpu0 = process.cpuUsage();
  for (let m = 1; m <= pairs; m += PAIRS_PER_TX) batch.immediate(m, Math.min(pairs + 1, m + PAIRS_PER_TX));
  const usPerRow = (cpuMsSince(cpu0) * 1000) / audit.rows;
  const walMb = fs.statSync(`${file}-wal`).size / 2 ** 20;
  db.close();
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  return { usPerRow, walMb };
}

function main(): void {
  const unknown = NAMES.filter((n) => !(n in VARIANTS));
  if (unknown.length > 0)
    throw new Error(`unknown variant(s) ${unknown.join(', ')}: ${Object.keys(VARIANTS).join(', ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-row-bench-'));
  const runs: Record<string, { usPerRow: number[]; ratio: number[] }> = {};
  try {
    appendCost(dir, VARIANTS.shipped!, 20_000); // warm-up (JIT): otherwise the first variant of round 1 pays it
    for (let round = 0; round < ROUNDS; round++) {
      let base: number | undefined;
      for (const name of NAMES) {
        const { usPerRow } = appendCost(dir, VARIANTS[name]!, ROWS);
        base ??= usPerRow; // the first variant of the round is the reference
        const r = (runs[name] ??= { usPerRow: [], ratio: [] });
        r.usPerRow.push(usPerRow);
        r.ratio.push(usPerRow / base);
        console.error(`round ${round + 1} ${name}: ${usPerRow.toFixed(2)} us/row`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const summary = Object.fromEntries(
    Object.entries(runs).map(([name, r]) => [
      name,
      {
        usPerRowMedian: +median(r.usPerRow).toFixed(2),
        usPerRowRange: [+Math.min(...r.usPerRow).toFixed(2), +Math.max(...r.usPerRow).toFixed(2)],
        vsFirstMedian: +median(r.ratio).toFixed(3),
      },
    ]),
  );
  console.log(
    `audit-row: ${ROWS} rows per run, ${ROUNDS} alternated rounds, CPU us per row (vs ${NAMES[0]} in the same round)`,
  );
  for (const [name, s] of Object.entries(summary)) {
    console.log(
      `  ${name.padEnd(20)} ${s.usPerRowMedian} (${s.usPerRowRange.join('-')})  x${s.vsFirstMedian}`,
    );
  }
  const here = path.dirname(fileURLToPath(import.meta.url));
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'audit-row.json'),
    `${JSON.stringify({ rows: ROWS, rounds: ROUNDS, loadavg: os.loadavg(), summary }, null, 2)}\n`,
  );
}

main();
