/**
 * closegate recon benchmark.
 *   npm run bench -- closegate-recon            (all figures)
 *   CLOSEGATE_BENCH_SIZES=1000,10000 npm run bench -- closegate-recon
 *   CLOSEGATE_BENCH_SIZES=1000000 npm run bench -- closegate-recon   (1M lines per side)
 *   CLOSEGATE_BENCH_MATCHER_SIZES=100000 (default) CLOSEGATE_BENCH_MATCHER_ROUNDS=3 ...
 *     matcher only: v2 (ordered rules) next to v1 on the same book, one process
 *   CLOSEGATE_BENCH_BACKGROUND_CHECKPOINTS=0 ...   (checkpoints inside commits; by default
 *     the books are opened as `recon run` opens them: background checkpoints, and the pass
 *     runs in its transactions of RECON_RUN_BATCH_SIZE items)
 * 1. Synthetic books (N lines per side: 90 % exact pairs, 5 % fuzzy, 3 %
 *    many-to-one splits, 2 % exceptions), each size in its own child process
 *    for a clean peak RSS. Insert (setup, chunked like an import) is timed
 *    apart; "end to end" is the whole recon pass: load, match,
 *    propose + confirm + audit, run bookkeeping. Baselines in the same
 *    process: a bare SQL pass over a copy of the same book (exact pairs only,
 *    same match/line/state rows, no gate and no audit) and a bare
 *    Map-by-amount exact join in memory.
 * 2. Demo pack (measured first, before any large book disturbs the machine):
 *    recon pass p50/p95/p99 over freshly seeded databases in a warm process
 *    (after warm-up passes), the same passes on one long-lived engine whose
 *    database grows (as a server's does), and the first pass of a fresh
 *    process (as in `closegate-engine demo`).
 * Writes bench/results/closegate-recon.json.
 * The parts live in bench/lib: recon-book.ts (the synthetic book),
 * recon-bare.ts (the bare passes and the audit floor), recon-gate-floor.ts (the
 * gate's decisions per pair, added to that floor), recon-child.ts (what
 * each child process runs), recon-report.ts (the printed lines),
 * recon-demo.ts and recon-differential.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  childBook,
  childDemoCold,
  childMatcherOnly,
  type BookFigures,
  type MatcherFigures,
} from './lib/recon-child.js';
import { demoPass, demoPassLongLived, stats } from './lib/recon-demo.js';
import { compareDifferential, readReference } from './lib/recon-differential.js';
import {
  printBook,
  printDemo,
  printDemoCold,
  printDemoLongLived,
  printDemoMatcher,
  printMatcherOnly,
} from './lib/recon-report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * The differential figures of the code before the recon-pass optimisation
 * (issue 22), by size; `CLOSEGATE_BENCH_WRITE_REFERENCE=<label>` records the
 * running code's figures there instead of comparing.
 */
const REFERENCE_FILE = path.join(here, 'closegate-recon.reference.json');

/** Runs this file again as a child with `args`; the child prints its figures as JSON. */
function spawnChild(args: string[], opts: { timeout: number; maxBuffer?: number; bigHeap?: boolean }) {
  return spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      ...(opts.bigHeap ? ['--max-old-space-size=4096'] : []),
      fileURLToPath(import.meta.url),
      ...args,
    ],
    {
      encoding: 'utf8',
      ...(opts.maxBuffer !== undefined ? { maxBuffer: opts.maxBuffer } : {}),
      timeout: opts.timeout,
    },
  );
}

function demoColdPasses(n: number) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = spawnChild(['--child-demo-cold'], { timeout: 60_000 });
    if (r.status !== 0) throw new Error(`cold demo pass failed: ${r.stderr.slice(-500)}`);
    ms.push((JSON.parse(r.stdout) as { ms: number }).ms);
  }
  return { processes: n, firstPassMs: stats(ms) };
}

function sizesFrom(value: string): number[] {
  return value.split(',').filter(Boolean).map(Number);
}

async function main(): Promise<void> {
  const sizeArg = process.argv.indexOf('--child');
  if (sizeArg !== -1) return childBook(Number(process.argv[sizeArg + 1]));
  if (process.argv.includes('--child-demo-cold')) return childDemoCold();
  const matcherArg = process.argv.indexOf('--child-matcher');
  if (matcherArg !== -1) return childMatcherOnly(Number(process.argv[matcherArg + 1]));
  // the demo pass first: measured right after a multi-GB book child exits, its tail doubled
  const demo = await demoPass(
    Number(process.env.CLOSEGATE_BENCH_DEMO_RUNS ?? 500),
    Number(process.env.CLOSEGATE_BENCH_DEMO_WARMUP ?? 100),
  );
  printDemo(demo);
  const longLived = [false, true].map((background) => {
    const r = demoPassLongLived(Number(process.env.CLOSEGATE_BENCH_DEMO_RUNS ?? 500), 100, background);
    printDemoLongLived(r, background);
    return r;
  });
  const cold = demoColdPasses(Number(process.env.CLOSEGATE_BENCH_DEMO_COLD ?? 5));
  printDemoCold(cold);
  printDemoMatcher(demo);
  const books = [];
  const reference = readReference(REFERENCE_FILE);
  const recordAs = process.env.CLOSEGATE_BENCH_WRITE_REFERENCE;
  for (const n of sizesFrom(process.env.CLOSEGATE_BENCH_SIZES ?? '1000,10000,100000')) {
    const r = spawnChild(['--child', String(n)], {
      bigHeap: true,
      maxBuffer: 1 << 20,
      // a 1M book on a machine loaded 10+ takes longer than 15 minutes
      timeout: Number(process.env.CLOSEGATE_BENCH_CHILD_TIMEOUT_MIN ?? 15) * 60_000,
    });
    if (r.status !== 0) {
      console.log(`book ${n}: FAILED (${r.signal ?? r.status}) ${r.stderr.slice(-500)}`);
      books.push({ linesPerSide: n, failed: true, error: r.stderr.slice(-500) });
      continue;
    }
    const b = JSON.parse(r.stdout) as BookFigures;
    if (recordAs) reference[String(n)] = { code: recordAs, ...b.differential };
    else b.differentialCheck = compareDifferential(b.differential, reference[String(n)]);
    books.push(b);
    printBook(n, b, reference, recordAs);
  }
  if (recordAs) fs.writeFileSync(REFERENCE_FILE, `${JSON.stringify(reference, null, 2)}\n`);
  const matcherOnly = [];
  for (const n of sizesFrom(process.env.CLOSEGATE_BENCH_MATCHER_SIZES ?? '100000')) {
    const r = spawnChild(['--child-matcher', String(n)], { bigHeap: true, timeout: 10 * 60_000 });
    if (r.status !== 0) {
      console.log(`matcher only ${n}/side: FAILED (${r.signal ?? r.status})`);
      matcherOnly.push({ linesPerSide: n, failed: true });
      continue;
    }
    const m = JSON.parse(r.stdout) as MatcherFigures;
    matcherOnly.push(m);
    printMatcherOnly(n, m);
  }
  const result = {
    bench: 'closegate-recon',
    generatedAt: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg(),
    books,
    matcherOnly,
    demo,
    demoLongLived: longLived,
    demoCold: cold,
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'closegate-recon.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

await main();
