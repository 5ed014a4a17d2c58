/**
 * Crash-injection worker: opens a recon database and runs recon passes and
 * propose / confirm / reject / escalate storms forever, driven by a seeded
 * PRNG, until the parent SIGKILLs it. Writes "ready" (synchronously) once open.
 * Mode "contend" (used by the load test as a second writer process on the
 * same file) only imports its own lines and storms on them: no recon passes,
 * no escalation resolution, so it never takes the load test's lines.
 * Usage: node --conditions=source --import tsx crash-worker.ts DB SEED [contend]
 */
import fs from 'node:fs';
import { openEngine } from '../../src/index.js';

const [dbPath, seedText, mode] = process.argv.slice(2);
const contend = mode === 'contend';
if (dbPath === undefined || seedText === undefined) throw new Error('usage: crash-worker DB SEED');

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = mulberry32(Number(seedText));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const engine = openEngine({ dbPath, sweepOnOpen: false });
const db = engine.context.store.db;
const ops = engine.operations;
let n = 0;
const key = () => `w${seedText}-${process.pid}-${++n}`;
const HEADER = 'source,entity,account_code,posting_date,amount,currency,reference,description,counterparty';

function importPairs(count: number): void {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const ref = `CW-${seedText}-${n}-${i}`;
    const amount = `${1 + Math.floor(rnd() * 20000)}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}`;
    const day = String(2 + Math.floor(rnd() * 26)).padStart(2, '0');
    const account = pick(['1010', '1010', '1010', '2000', '1030']);
    rows.push(`gl,US01,${account},2026-03-${day},${amount},USD,${ref},Crash ${ref},Crash Co`);
    rows.push(`bank,US01,${account},2026-03-${day},${amount},USD,${ref},Crash ${ref},Crash Co`);
  }
  n++;
  ops.importCsv({ actor: 'human:controller', csv: `${HEADER}\n${rows.join('\n')}\n` });
}

function openPairIds(): number[] | undefined {
  const ref = db
    .prepare(
      "SELECT reference FROM entries WHERE state = 'unmatched' AND reference LIKE 'CW-%' GROUP BY reference HAVING COUNT(*) = 2 ORDER BY RANDOM() LIMIT 1",
    )
    .pluck()
    .get() as string | undefined;
  return ref === undefined
    ? undefined
    : (db.prepare('SELECT id FROM entries WHERE reference = ? ORDER BY id').pluck().all(ref) as number[]);
}

function storm(): void {
  for (let i = 0; i < 20; i++) {
    const ids = openPairIds();
    if (ids === undefined) return;
    const proposer = contend
      ? pick(['llm:contender-1', 'human:contender-2'])
      : pick(['llm:agent-1', 'llm:agent-2', 'human:alice']);
    const p = ops.propose({ actor: proposer, idempotencyKey: key(), entryIds: ids });
    if (p.matchId === undefined) continue;
    const r = rnd();
    const decider = contend ? 'human:contender-3' : undefined;
    if (r < 0.45)
      ops.confirm({
        actor: decider ?? pick(['human:bob', 'llm:agent-2', 'engine:autoconfirm']),
        idempotencyKey: key(),
        matchId: p.matchId,
        rationale: 'crash storm confirmation',
      });
    else if (r < 0.75)
      ops.reject({
        actor: decider ?? pick(['human:bob', 'llm:agent-2']),
        idempotencyKey: key(),
        matchId: p.matchId,
        rationale: 'crash storm rejection',
      });
    else if (r < 0.9)
      ops.escalate({
        actor: contend ? 'llm:contender-1' : 'llm:agent-2',
        idempotencyKey: key(),
        matchId: p.matchId,
        reason: 'crash storm escalation',
      });
  }
  if (contend) return;
  for (const esc of engine.queries.pendingEscalations({ limit: 5 })) {
    if (esc.subjectKind !== 'match') continue;
    try {
      ops.resolveEscalation({
        actor: 'human:carol',
        idempotencyKey: key(),
        escalationId: esc.id,
        decision: rnd() < 0.6 ? 'approve' : 'reject',
        rationale: 'crash storm resolution',
      });
    } catch {
      // a SoD deny or state conflict is a legitimate outcome here
    }
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
fs.writeSync(1, 'ready\n');
for (;;) {
  if (contend) {
    // a short pause per round keeps the contention realistic (another writer, not a lock hog)
    Atomics.wait(pause, 0, 0, 15);
    try {
      if (rnd() < 0.5) importPairs(10 + Math.floor(rnd() * 40));
      storm();
    } catch (err) {
      fs.writeSync(2, `contender: ${(err as Error).message}\n`);
    }
    continue;
  }
  const r = rnd();
  if (r < 0.4) {
    importPairs(20 + Math.floor(rnd() * 150));
    engine.runReconPass({ batchSize: 5 + Math.floor(rnd() * 40) });
  } else if (r < 0.55) {
    engine.runReconPass({ batchSize: 5 + Math.floor(rnd() * 40) });
  } else {
    if (rnd() < 0.5) importPairs(10 + Math.floor(rnd() * 40));
    storm();
  }
}
