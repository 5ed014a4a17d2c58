/**
 * What runs in the child processes of the closegate recon benchmark: one
 * synthetic book (setup, the pass, verify, the differential and the bare
 * baselines), the matcher alone, and the first demo pass of a fresh
 * process. Each prints its figures as JSON on stdout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FixedRateAdapter } from 'closegate-policy';
import {
  DEMO_FX_RATES,
  RECON_RUN_BATCH_SIZE,
  openEngine,
  runMatcher,
  runMatcherV1,
  type Entry,
} from 'closegate-engine';
import { bareReconPass, cpuMsSince } from './recon-bare.js';
import { insertBook, syntheticBook } from './recon-book.js';
import { gateFloor } from './recon-gate-floor.js';
import { bareExactJoin } from './recon-demo.js';
import { reconDifferential } from './recon-differential.js';
import { median } from './stats.js';

/** Also measure the bare pass with the audit rows' floor (CLOSEGATE_BENCH_AUDIT_FLOOR=0 skips it). */
const WITH_AUDIT_FLOOR = process.env.CLOSEGATE_BENCH_AUDIT_FLOOR !== '0';

/**
 * `CLOSEGATE_BENCH_CPU_PROF=file.cpuprofile`: a CPU profile of the recon pass
 * alone (not the setup or the baselines), through the inspector, for
 * `node --import tsx bench/lib/cpu-profile-summary.ts`.
 */
async function startCpuProfile(file: string | undefined): Promise<{ stop(): Promise<void> } | undefined> {
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** One book of `n` lines per side, its figures as JSON on stdout. */
export async function childBook(n: number): Promise<void> {
  process.stdout.write(JSON.stringify(await measureBook(n)));
}

/** The figures of one book child (and, in the parent, the check against the reference). */
export type BookFigures = Awaited<ReturnType<typeof measureBook>> & { differentialCheck?: string };

/** One book of `n` lines per side: setup, the recon pass, verify, the differential, the baselines. */
async function measureBook(n: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-bench-'));
  const e = openEngine({
    dbPath: path.join(dir, 'recon.db'),
    fx: new FixedRateAdapter(DEMO_FX_RATES, { environment: 'bench' }),
    // as `recon run` opens the book (CLOSEGATE_BENCH_BACKGROUND_CHECKPOINTS=0: checkpoints inside commits)
    backgroundCheckpoints: process.env.CLOSEGATE_BENCH_BACKGROUND_CHECKPOINTS !== '0',
  });
  let t = performance.now();
  e.context.store.tx(() =>
    e.context.store.entities.addEntity({
      code: 'US01',
      name: 'Bench',
      currency: 'USD',
      timeZone: 'America/New_York',
    }),
  );
  const totalLines = insertBook(e, n);
  const insertMs = performance.now() - t;
  const bareFile = path.join(dir, 'bare.db');
  e.context.store.db.exec(`VACUUM INTO '${bareFile}'`);
  const bareAuditFile = path.join(dir, 'bare-audit.db');
  if (WITH_AUDIT_FLOOR) e.context.store.db.exec(`VACUUM INTO '${bareAuditFile}'`);
  // maxRSS never goes down, so the setup's peak is taken apart and the pass's RSS is sampled per batch
  const peakRssMbAfterInsert = process.resourceUsage().maxRSS / 1024;
  let passRssMb = 0;
  const sampleRss = (): void => {
    passRssMb = Math.max(passRssMb, process.memoryUsage.rss() / 2 ** 20);
  };
  const firstPassSeq = (e.context.store.audit.head()?.seq ?? 0) + 1;
  const profiler = await startCpuProfile(process.env.CLOSEGATE_BENCH_CPU_PROF);
  t = performance.now();
  const cpu0 = process.cpuUsage();
  // the transactions `recon run` uses
  const pass = e.runReconPass({ batchSize: RECON_RUN_BATCH_SIZE, onProgress: sampleRss });
  const passMs = performance.now() - t;
  const passCpuMs = cpuMsSince(cpu0);
  await profiler?.stop();
  sampleRss();
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  const verifyStart = performance.now();
  const verify = e.queries.verifyAudit();
  const verifyMs = performance.now() - verifyStart;
  const differential = reconDifferential(e.context.store.db, pass, firstPassSeq);
  const policy = e.context.policy;
  const book = [...syntheticBook(n)];
  t = performance.now();
  const baselineMatched = bareExactJoin(book);
  const baselineMs = performance.now() - t;
  e.close();
  const bare = bareReconPass(bareFile);
  const floor = WITH_AUDIT_FLOOR ? bareReconPass(bareAuditFile, true) : undefined;
  // the gate's decisions for each pair the floor wrote audit rows for
  const gate = floor === undefined ? undefined : gateFloor(policy, floor.pairs);
  const out = {
    linesPerSide: n,
    totalLines,
    state: pass.state,
    proposed: pass.proposed,
    autoConfirmed: pass.autoConfirmed.length,
    escalated: pass.escalated.length,
    exceptions: pass.exceptions.length,
    ms: {
      insert: insertMs,
      load: pass.timingsMs.load,
      match: pass.timingsMs.match,
      proposeConfirmAudit: pass.timingsMs.apply,
      pass: passMs,
      passCpu: passCpuMs,
      verify: verifyMs,
    },
    auditEvents: verify.ok ? verify.count : -1,
    differential,
    baseline: {
      bareExactJoinMs: baselineMs,
      matched: baselineMatched,
      bareSqlPassMs: bare.ms,
      bareSqlPassCpuMs: bare.cpuMs,
      bareReadAndPairCpuMs: bare.readAndPairCpuMs,
      bareSqlPairs: bare.pairs,
      ...(floor !== undefined
        ? {
            bareSqlPassWithAuditMs: floor.ms,
            bareSqlPassWithAuditCpuMs: floor.cpuMs,
            bareAuditRows: floor.auditRows,
            gateFloorCpuMs: gate?.cpuMs ?? 0,
            gateFloorDecisions: gate?.decisions ?? 0,
          }
        : {}),
    },
    peakRssMbDuringPass: peakRssMb,
    peakRssMbAfterInsert,
    rssMbSampledDuringPass: passRssMb,
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/**
 * Matcher only, in memory (no database): N lines per side. The v2 matcher
 * (ordered rules) and the v1 matcher it replaced run on the same book in the
 * same process, each after one warm-up run on a 1/10 book, in alternating
 * order over `CLOSEGATE_BENCH_MATCHER_ROUNDS` rounds (default 1); the
 * figures are the medians.
 */
export function childMatcherOnly(n: number): void {
  process.stdout.write(JSON.stringify(measureMatcher(n)));
}

/** The figures of one matcher-only child. */
export type MatcherFigures = ReturnType<typeof measureMatcher>;

function measureMatcher(n: number) {
  const fx = new FixedRateAdapter(DEMO_FX_RATES, { environment: 'bench' });
  const lines: Entry[] = [...syntheticBook(n)].map((l, i) => ({ ...l, id: i + 1, state: 'unmatched' }));
  let t = performance.now();
  const baselineMatched = bareExactJoin(lines);
  const baselineMs = performance.now() - t;
  const warm = lines.slice(0, Math.max(2, Math.floor(lines.length / 10)));
  runMatcherV1(warm, fx);
  runMatcher(warm, fx);
  const rounds = Number(process.env.CLOSEGATE_BENCH_MATCHER_ROUNDS ?? 1);
  const v1Ms: number[] = [];
  const v2Ms: number[] = [];
  let r = runMatcher(warm, fx);
  let r1 = runMatcherV1(warm, fx);
  for (let k = 0; k < rounds; k++) {
    const order = k % 2 === 0 ? ['v1', 'v2'] : ['v2', 'v1'];
    for (const which of order) {
      t = performance.now();
      if (which === 'v1') {
        r1 = runMatcherV1(lines, fx);
        v1Ms.push(performance.now() - t);
      } else {
        r = runMatcher(lines, fx);
        v2Ms.push(performance.now() - t);
      }
    }
  }
  const matchMs = median(v2Ms);
  const matchV1Ms = median(v1Ms);
  const out = {
    linesPerSide: n,
    totalLines: lines.length,
    matchMs,
    matchV1Ms,
    v2OverV1: matchMs / matchV1Ms,
    v1: { proposals: r1.proposals.length, exceptions: r1.exceptions.length },
    proposals: r.proposals.length,
    exceptions: r.exceptions.length,
    baseline: { bareExactJoinMs: baselineMs, matched: baselineMatched },
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  return out;
}

/** The first pass of a fresh process (what `closegate-engine demo` does): cold JIT, cold statements. */
export function childDemoCold(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-bench-cold-'));
  const e = openEngine({ dbPath: path.join(dir, 'demo.db') });
  e.seedDemo();
  const t = performance.now();
  const r = e.runReconPass();
  const ms = performance.now() - t;
  e.close();
  fs.rmSync(dir, { recursive: true, force: true });
  if (r.state !== 'SUCCEEDED') throw new Error(`demo pass failed: ${r.error}`);
  process.stdout.write(JSON.stringify({ ms }));
}
