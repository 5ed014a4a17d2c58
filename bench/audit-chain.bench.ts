// Audit chain throughput: append (batched, up to 1M rows, and one transaction
// per event) against a bare INSERT baseline, and verify at 100k and 1M events
// (worker threads as by default, and forced onto one thread) against a bare
// full-table scan. Files live in a temp dir that is removed afterwards.
// Run: npm run bench -- audit-chain   (writes bench/results/audit-chain.json)
// AUDIT_BENCH_APPEND_EVENTS=200000 shortens the batched append run.
// Signed heads: the same appends unsigned vs signed (one Ed25519 signature per
// transaction), interleaved in one run; AUDIT_BENCH_SIGN_EVENTS (default
// 400000 per side). AUDIT_BENCH_ONLY=signing|append|verify runs one part.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { AuditChain, GENESIS_HASH, canonicalJson, eventHash, openSqlite } from 'audit-chain';
import { benchSigning } from './lib/audit-signing.js';
import { median } from './lib/stats.js';

const BATCH = 1000;
const APPEND_BATCHED_EVENTS = Number(process.env.AUDIT_BENCH_APPEND_EVENTS ?? 1_000_000);
/** The batched rate is also reported over this many final events (the table then holds ~N rows). */
const APPEND_TAIL_EVENTS = 100_000;
const APPEND_SINGLE_EVENTS = 5_000;
const VERIFY_SIZES = [100_000, 1_000_000];
const VERIFY_RUNS = 3;

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-chain-bench-'));
const results: Record<string, unknown> = {};

function payload(i: number): Record<string, unknown> {
  return {
    matchId: `m-${i}`,
    amount: `${i % 100_000}.25`,
    currency: 'USD',
    lines: [i, i + 1],
    rationale: 'exact match',
  };
}

const load = (): number => Number(os.loadavg()[0]!.toFixed(2));

function perSecond(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function createPlainTable(db: Database.Database): Database.Statement {
  db.exec(`CREATE TABLE plain (seq INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts TEXT NOT NULL,
    actor TEXT NOT NULL, type TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)`);
  return db.prepare('INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
}

function plainRow(i: number): unknown[] {
  return [
    i,
    `e-${i}`,
    new Date().toISOString(),
    'engine:autoconfirm',
    'match.confirmed',
    JSON.stringify(payload(i)),
    'p',
    'h',
  ];
}

function benchAppend(): void {
  const db = openSqlite(path.join(tmp, 'append.db'));
  const chain = new AuditChain(db);
  const insertPlain = createPlainTable(db);
  const event = (i: number) => ({
    type: 'match.confirmed',
    actor: 'engine:autoconfirm',
    payload: payload(i),
  });

  const chainBatch = db.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) chain.append(event(i));
  });
  const plainBatch = db.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) insertPlain.run(...plainRow(i));
  });
  const tailFrom = Math.max(0, APPEND_BATCHED_EVENTS - APPEND_TAIL_EVENTS);
  let tailStart = 0;
  const batchedChainMs = timed(() => {
    for (let i = 0; i < APPEND_BATCHED_EVENTS; i += BATCH) {
      if (i === tailFrom) tailStart = performance.now();
      chainBatch.immediate(i);
    }
  });
  const tailChainMs = performance.now() - tailStart;
  const batchedPlainMs = timed(() => {
    for (let i = 0; i < APPEND_BATCHED_EVENTS; i += BATCH) plainBatch.immediate(i);
  });
  const singleChainMs = timed(() => {
    for (let i = 0; i < APPEND_SINGLE_EVENTS; i++) chain.append(event(i));
  });
  const plainSingle = db.transaction((i: number) => insertPlain.run(...plainRow(i)));
  const singleOffset = APPEND_BATCHED_EVENTS;
  const singlePlainMs = timed(() => {
    for (let i = singleOffset; i < singleOffset + APPEND_SINGLE_EVENTS; i++) plainSingle.immediate(i);
  });
  const ok = chain.verify().ok;
  db.close();

  const figure = (chainMs: number, plainMs: number, count: number) => ({
    events: count,
    appendPerSec: perSecond(count, chainMs),
    baselineInsertPerSec: perSecond(count, plainMs),
    ratioToBaseline: Number((plainMs / chainMs).toFixed(3)),
  });
  results.appendBatched = {
    batchSize: BATCH,
    ...figure(batchedChainMs, batchedPlainMs, APPEND_BATCHED_EVENTS),
    lastEventsPerSec: perSecond(APPEND_BATCHED_EVENTS - tailFrom, tailChainMs),
  };
  results.appendOneTransactionPerEvent = figure(singleChainMs, singlePlainMs, APPEND_SINGLE_EVENTS);
  results.appendChainVerified = ok;
  const b = results.appendBatched as ReturnType<typeof figure> & { lastEventsPerSec: number };
  const s = results.appendOneTransactionPerEvent as ReturnType<typeof figure>;
  console.log(
    `append, ${BATCH}/tx, ${APPEND_BATCHED_EVENTS} events: ${b.appendPerSec} events/s vs bare INSERT ${b.baselineInsertPerSec} rows/s (ratio ${b.ratioToBaseline}); last ${APPEND_BATCHED_EVENTS - tailFrom}: ${b.lastEventsPerSec} events/s`,
  );
  console.log(
    `append, 1 tx/event: ${s.appendPerSec} events/s vs bare INSERT ${s.baselineInsertPerSec} rows/s (ratio ${s.ratioToBaseline})`,
  );
}

/**
 * Builds a valid chain of n events quickly: rows are computed with the
 * package's own hash function and bulk-inserted with the secondary indexes and
 * the REPLACE-guard trigger dropped; opening an AuditChain restores both.
 */
function buildChain(file: string, n: number): void {
  const db = openSqlite(file);
  new AuditChain(db);
  db.exec(
    'DROP TRIGGER audit_events_no_replace; DROP INDEX audit_events_actor_idx; DROP INDEX audit_events_type_idx; DROP INDEX audit_events_ts_idx;',
  );
  const insert = db.prepare('INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  let prev = GENESIS_HASH;
  const batch = db.transaction((from: number, to: number) => {
    for (let seq = from; seq <= to; seq++) {
      const f = {
        seq,
        eventId: `evt-${seq}`,
        ts: new Date(base + seq * 1000).toISOString(),
        actor: seq % 3 === 0 ? 'human:alice' : 'engine:matcher',
        type: seq % 5 === 0 ? 'match.confirmed' : 'match.proposed',
        payloadJson: canonicalJson(payload(seq)),
      };
      const hash = eventHash(prev, f);
      insert.run(seq, f.eventId, f.ts, f.actor, f.type, f.payloadJson, prev, hash);
      prev = hash;
    }
  });
  for (let from = 1; from <= n; from += 10_000) batch.immediate(from, Math.min(n, from + 9_999));
  new AuditChain(db);
  db.close();
}

function benchVerify(n: number): void {
  const file = path.join(tmp, `verify-${n}.db`);
  const buildMs = timed(() => buildChain(file, n));
  const db = openSqlite(file, { readonly: true });
  const chain = new AuditChain(db);
  const verifyWith = (threads: number | undefined) => (): void => {
    const r = chain.verify({ threads });
    if (!r.ok || r.count !== n) throw new Error(`bench chain broken: ${JSON.stringify(r)}`);
  };
  const scan = db
    .prepare('SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM audit_events ORDER BY seq')
    .raw(true);
  const scanOnce = (): void => {
    let rows = 0;
    for (const _row of scan.iterate()) rows++;
    if (rows !== n) throw new Error('scan miscounted');
  };
  // Interleaved, so a change in the machine's load hits all three alike.
  const scanMs: number[] = [];
  const verifyMs: number[] = [];
  const oneThreadMs: number[] = [];
  let cpuMicros = 0;
  for (let run = 0; run < VERIFY_RUNS; run++) {
    scanMs.push(timed(scanOnce));
    const cpuBefore = process.cpuUsage(); // the whole process: worker threads included
    verifyMs.push(timed(verifyWith(undefined)));
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicros += cpu.user + cpu.system;
    oneThreadMs.push(timed(verifyWith(1)));
  }
  // CPU time of the default runs: less sensitive than wall time to other jobs.
  const cpuPerSec = perSecond(n * VERIFY_RUNS, cpuMicros / 1000);
  db.close();
  const fileBytes = fs.statSync(file).size;
  fs.rmSync(file, { force: true });
  const figure = {
    events: n,
    runs: VERIFY_RUNS,
    verifyPerSecMedian: perSecond(n, median(verifyMs)),
    verifyPerSecBest: perSecond(n, Math.min(...verifyMs)),
    verifyPerCpuSecond: cpuPerSec,
    oneThreadPerSecMedian: perSecond(n, median(oneThreadMs)),
    baselineScanPerSecMedian: perSecond(n, median(scanMs)),
    ratioToBaseline: Number((median(scanMs) / median(verifyMs)).toFixed(3)),
    dbFileMB: Number((fileBytes / 1e6).toFixed(1)),
    buildSeconds: Number((buildMs / 1000).toFixed(1)),
  };
  results[`verify${n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`}`] = figure;
  console.log(
    `verify ${n} events: ${figure.verifyPerSecMedian} events/s median (best ${figure.verifyPerSecBest}, ` +
      `${cpuPerSec} per CPU-second); bare scan ${figure.baselineScanPerSecMedian} rows/s ` +
      `(ratio ${figure.ratioToBaseline}); one thread ${figure.oneThreadPerSecMedian} events/s; target >= 500000`,
  );
}

try {
  results.machine = {
    cpus: os.cpus().length,
    node: process.version,
    loadAvg1mAtStart: load(),
  };
  const only = process.env.AUDIT_BENCH_ONLY;
  if (only === undefined || only === 'signing') {
    const sign = benchSigning(tmp, Number(process.env.AUDIT_BENCH_SIGN_EVENTS ?? 400_000));
    results.signedHeads = sign;
    console.log(
      `signed heads, ${sign.batchSize}/tx, ${sign.eventsPerSide} events a side: ${sign.batchedUnsignedPerSec} -> ${sign.batchedSignedPerSec} events/s (${sign.batchedOverheadPct}% time); ` +
        `1 tx/event: ${sign.singleUnsignedPerSec} -> ${sign.singleSignedPerSec} events/s (${sign.singleOverheadPct}% time); target < 15% per batched transaction`,
    );
  }
  if (only === undefined || only === 'append') benchAppend();
  if (only === undefined || only === 'verify') for (const n of VERIFY_SIZES) benchVerify(n);
  (results.machine as Record<string, unknown>).loadAvg1mAtEnd = load();
  results.generatedAt = new Date().toISOString();
  console.log(`machine: ${JSON.stringify(results.machine)} (other jobs share these CPUs: figures are noisy)`);
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(path.join(here, 'results', 'audit-chain.json'), JSON.stringify(results, null, 2) + '\n');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
