/**
 * The demo-pack measurements of the closegate recon benchmark (warm passes
 * on fresh engines, passes on one long-lived engine) and the bare exact
 * join both parts use as a baseline.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { demoEntries, openEngine, runMatcher, type Entry, type NewEntry } from 'closegate-engine';
import { percentile } from './stats.js';

/** Baseline: the simplest possible exact join, a Map from amount string to bank lines. */
export function bareExactJoin(lines: readonly NewEntry[]): number {
  const byAmount = new Map<string, number>();
  for (const l of lines) {
    if (l.source !== 'gl') byAmount.set(l.amount, (byAmount.get(l.amount) ?? 0) + 1);
  }
  let matched = 0;
  for (const l of lines) {
    if (l.source !== 'gl') continue;
    const left = byAmount.get(l.amount) ?? 0;
    if (left > 0) {
      byAmount.set(l.amount, left - 1);
      matched++;
    }
  }
  return matched;
}

/**
 * Demo pack passes in this (warm) process, each on a freshly seeded file:
 * `warmup` passes first (JIT tiering; a long-running MCP server is in this
 * state), then `runs` measured ones.
 */
export async function demoPass(runs: number, warmup: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-bench-demo-'));
  const gcPauses: { start: number; end: number }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const g of list.getEntries()) gcPauses.push({ start: g.startTime, end: g.startTime + g.duration });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const passSpans: { start: number; end: number }[] = [];
  const passMs: number[] = [];
  const matchOnlyMs: number[] = [];
  const baselineMs: number[] = [];
  for (let i = 0; i < runs + warmup; i++) {
    const file = path.join(dir, `demo-${i}.db`);
    const e = openEngine({ dbPath: file });
    e.seedDemo();
    const entries: Entry[] = e.context.store.entries.inState('unmatched');
    let t = performance.now();
    runMatcher(entries, e.context.fx, { intercompanyRules: e.context.store.config.intercompanyRules() });
    const m = performance.now() - t;
    t = performance.now();
    bareExactJoin(entries);
    const b = performance.now() - t;
    t = performance.now();
    const r = e.runReconPass();
    const p = performance.now() - t;
    if (r.state !== 'SUCCEEDED') throw new Error(`demo pass failed: ${r.error}`);
    if (i >= warmup) {
      passMs.push(p);
      passSpans.push({ start: t, end: t + p });
      matchOnlyMs.push(m);
      baselineMs.push(b);
    }
    e.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  fs.rmSync(dir, { recursive: true, force: true });
  await new Promise((resolve) => setTimeout(resolve, 100)); // the observer reports asynchronously
  gcObserver.disconnect();
  // the spread of the pass: how many passes a garbage collection pause fell into
  const paused = passSpans.map((pass) =>
    gcPauses
      .filter((g) => g.start < pass.end && g.end > pass.start)
      .reduce((ms, g) => ms + Math.min(g.end, pass.end) - Math.max(g.start, pass.start), 0),
  );
  const hit = paused.filter((ms) => ms > 0);
  return {
    runs,
    warmup,
    entries: 154,
    passesWithGcPause: hit.length,
    meanGcPauseMsInThose: hit.length === 0 ? 0 : hit.reduce((a, b) => a + b, 0) / hit.length,
    reconPassMs: stats(passMs),
    matcherOnlyMs: stats(matchOnlyMs),
    bareExactJoinMs: stats(baselineMs),
  };
}

/**
 * Demo pack passes on ONE engine that stays open, as a server's does: before
 * each pass the demo lines are added again (new ids, same content), so each
 * pass has the same 154 lines to match while the database grows by about 150
 * audit events, 70 matches and 154 lines a pass. Without background
 * checkpoints a WAL checkpoint runs inside every pass that takes the log
 * past SQLite's 1,000-page threshold; with them (as `mcp serve` runs) a
 * worker thread does that work.
 */
export function demoPassLongLived(runs: number, warmup: number, backgroundCheckpoints: boolean) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'closegate-bench-demo-long-'));
  const e = openEngine({ dbPath: path.join(dir, 'demo.db'), backgroundCheckpoints });
  e.seedDemo();
  const store = e.context.store;
  const passMs: number[] = [];
  // every pass matches the same content as the first (new ids): the same count is auto-confirmed
  let expected: number | undefined;
  for (let i = 0; i < runs + warmup; i++) {
    if (i > 0)
      store.tx(() => {
        const now = new Date().toISOString();
        for (const line of demoEntries()) store.entries.add(line, `bench-again-${i}`, now);
      });
    const t = performance.now();
    const r = e.runReconPass();
    const p = performance.now() - t;
    expected ??= r.autoConfirmed.length;
    if (r.state !== 'SUCCEEDED' || r.autoConfirmed.length !== expected)
      throw new Error(`long-lived demo pass ${i} differs: ${r.state} ${r.autoConfirmed.length}`);
    if (i >= warmup) passMs.push(p);
  }
  const auditEvents = e.context.store.audit.count();
  e.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { runs, warmup, backgroundCheckpoints, auditEventsAtEnd: auditEvents, reconPassMs: stats(passMs) };
}

/** p50, p95 and p99 (ms) of unsorted samples. */
export function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
}
