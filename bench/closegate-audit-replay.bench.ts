/**
 * `audit verify --state` speed: a synthetic book whose audit trail holds
 * REPLAY_BENCH_EVENTS events (default 1M: one ENTRIES_IMPORTED per 10k lines,
 * then per match a MATCH_PROPOSED and a MATCH_CONFIRMED, with the matching
 * rows in entries, matches and match_lines), replayed and compared with the
 * tables REPLAY_BENCH_RUNS times (median). Temp files, removed afterwards.
 *   npm run bench -- closegate-audit-replay
 *   REPLAY_BENCH_EVENTS=20000 npm run bench -- closegate-audit-replay
 * Writes bench/results/closegate-audit-replay.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReconStore, verifyState } from 'closegate-engine';

const EVENTS = Number(process.env.REPLAY_BENCH_EVENTS ?? 1_000_000);
const RUNS = Number(process.env.REPLAY_BENCH_RUNS ?? 3);
const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-replay-bench-'));

function build(file: string): { matches: number; events: number } {
  const store = ReconStore.open(file);
  const db = store.db;
  const matches = Math.floor(EVENTS / 2.0001);
  const now = '2026-03-31T12:00:00.000Z';
  const addEntry = db.prepare(
    `INSERT INTO entries (id, source, entity, account_code, posting_date, amount, currency, state, batch, created_at)
     VALUES (?, ?, 'US01', '1010', '2026-03-02', '10.00', 'USD', 'matched', ?, ?)`,
  );
  const addMatch = db.prepare(
    `INSERT INTO matches (id, type, state, proposed_by, source, score, amount_usd, fx_json, decided_by, created_at, updated_at)
     VALUES (?, 'exact', 'confirmed', 'engine:matcher', 'engine', '1.0000', '10.00', '[]', 'engine:autoconfirm', ?, ?)`,
  );
  const addLine = db.prepare('INSERT INTO match_lines (match_id, entry_id) VALUES (?, ?)');
  let events = 0;
  const CHUNK = 5_000;
  for (let from = 1; from <= matches; from += CHUNK) {
    db.transaction(() => {
      const batch = store.audit.batch();
      const to = Math.min(matches, from + CHUNK - 1);
      const name = `b-${from}`;
      for (let m = from; m <= to; m++) {
        addEntry.run(2 * m - 1, 'gl', name, now);
        addEntry.run(2 * m, 'bank', name, now);
      }
      batch.add({
        type: 'ENTRIES_IMPORTED',
        actor: 'human:importer',
        payload: { batch: name, count: 2 * (to - from + 1), entities: ['US01'] },
        ts: now,
      });
      events++;
      for (let m = from; m <= to; m++) {
        const entryIds = [2 * m - 1, 2 * m];
        addMatch.run(m, now, now);
        addLine.run(m, entryIds[0]);
        addLine.run(m, entryIds[1]);
        batch.add({
          type: 'MATCH_PROPOSED',
          actor: 'engine:matcher',
          payload: { matchId: m, entryIds, type: 'exact', score: '1.0000', amountUsd: '10.00' },
          ts: now,
        });
        batch.add({
          type: 'MATCH_CONFIRMED',
          actor: 'engine:autoconfirm',
          payload: { matchId: m, entryIds, amountUsd: '10.00', rationale: '', escalationId: null },
          ts: now,
        });
        events += 2;
      }
      batch.flush();
    }).immediate();
  }
  store.close();
  return { matches, events };
}

try {
  const file = path.join(tmp, 'replay.db');
  const t0 = performance.now();
  const built = build(file);
  const buildMs = performance.now() - t0;
  const store = ReconStore.open(file);
  const ms: number[] = [];
  let ok = false;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    const report = verifyState(store.db);
    ms.push(performance.now() - t);
    ok = report.ok;
    if (!ok)
      throw new Error(
        `replay found differences in a consistent book: ${JSON.stringify(report.differences.slice(0, 3))}`,
      );
  }
  store.close();
  const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
  const results = {
    events: built.events,
    matches: built.matches,
    entries: built.matches * 2,
    runs: RUNS,
    medianSeconds: Number((median / 1000).toFixed(2)),
    eventsPerSec: Math.round((built.events / median) * 1000),
    buildSeconds: Number((buildMs / 1000).toFixed(1)),
    machine: {
      cpus: os.cpus().length,
      node: process.version,
      loadAvg1m: Number(os.loadavg()[0]!.toFixed(2)),
    },
    generatedAt: new Date().toISOString(),
  };
  console.log(
    `state replay: ${results.events} events (${results.matches} matches, ${results.entries} entries) in ${results.medianSeconds} s median of ${RUNS}: ${results.eventsPerSec} events/s (load ${results.machine.loadAvg1m})`,
  );
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'closegate-audit-replay.json'),
    JSON.stringify(results, null, 2) + '\n',
  );
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
