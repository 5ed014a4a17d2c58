import { hostname } from 'node:os';
import { parseActor } from 'closegate-policy';
import { loadMatchingRules } from '../books/settings.js';
import { runMatcher } from '../matcher/match.js';
import type { EngineContext } from '../operations/context.js';
import { audit } from '../operations/gate.js';
import { pinnedRates } from '../storedRates.js';
import { applyInBatches, inLineOrder } from './apply.js';
import { LoadedLines } from './snapshot.js';
import { MATCHER_ACTOR, type ReconPassOptions, type ReconPassResult } from './types.js';

/**
 * One recon pass as a workflow run: RUNNING -> SUCCEEDED | FAILED, with a
 * heartbeat per batch. Proposes as engine:matcher, then tries to confirm as
 * engine:autoconfirm: the gate allows, escalates (clause recorded) or denies
 * each one. Leftover lines become exceptions. Each batch commits atomically.
 */
export function runReconPass(ctx: EngineContext, opts: ReconPassOptions = {}): ReconPassResult {
  const matcher = parseActor(MATCHER_ACTOR);
  const owner = `${hostname()}:${process.pid}`;
  const runId = ctx.store.tx(() => {
    const now = ctx.now().toISOString();
    const id = ctx.store.runs.start('recon_pass', owner, MATCHER_ACTOR, now);
    audit(ctx, 'RECON_RUN_STARTED', matcher, { runId: id, owner }, now);
    return id;
  });
  const result: ReconPassResult = {
    runId,
    state: 'SUCCEEDED',
    proposed: 0,
    autoConfirmed: [],
    escalated: [],
    denied: [],
    exceptions: [],
    skippedStale: 0,
    skippedRejected: 0,
    timingsMs: { load: 0, match: 0, apply: 0 },
  };
  // the run is finished inside its last batch's transaction when there is one (one commit fewer)
  let finished = false;
  try {
    executePass(ctx, runId, opts, result, () => {
      recordFinish(ctx, result);
      finished = true;
    });
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    // a failed last batch rolled its finish back; an error after it committed (a progress callback) did not
    finished = ctx.store.runs.get(runId)?.state !== 'RUNNING';
    if (!finished) result.state = 'FAILED';
  }
  if (!finished) ctx.store.tx(() => recordFinish(ctx, result));
  return result;
}

function executePass(
  ctx: EngineContext,
  runId: number,
  opts: ReconPassOptions,
  result: ReconPassResult,
  finishInLastBatch: () => void,
): void {
  const progress = opts.onProgress ?? (() => undefined);
  let t = performance.now();
  const lines = LoadedLines.load(ctx);
  const entries = lines.entries;
  progress({ stage: 'load', done: entries.length, total: entries.length });
  result.timingsMs.load = performance.now() - t;
  t = performance.now();
  const intercompanyRules = opts.matcher?.intercompanyRules ?? ctx.store.config.intercompanyRules();
  // the books.yaml `matching:` rules stored by `books apply`, else the defaults
  const rules = opts.matcher?.rules ?? loadMatchingRules(ctx.store);
  const matched = runMatcher(entries, pinnedRates(ctx.fx), { ...opts.matcher, intercompanyRules, rules });
  progress({ stage: 'match', done: matched.proposals.length, total: matched.proposals.length });
  result.timingsMs.match = performance.now() - t;
  // a long match must not let the run look orphaned; a short one is covered by the first batch's beat
  if (result.timingsMs.match > HEARTBEAT_AFTER_MATCH_MS)
    ctx.store.tx(() => lines.ownWrite(() => ctx.store.runs.heartbeat(runId, ctx.now().toISOString())));
  t = performance.now();
  const work = { proposals: inLineOrder(matched.proposals), exceptions: matched.exceptions, lines };
  applyInBatches(ctx, runId, work, opts.batchSize ?? 500, result, progress, finishInLastBatch);
  result.timingsMs.apply = performance.now() - t;
}

/** A match slower than this gets its own heartbeat transaction before the batches start. */
const HEARTBEAT_AFTER_MATCH_MS = 1000;

/** Marks the run SUCCEEDED or FAILED with its tallies, audited; the caller holds the transaction. */
function recordFinish(ctx: EngineContext, r: ReconPassResult): void {
  const stats = {
    proposed: r.proposed,
    autoConfirmed: r.autoConfirmed.length,
    escalated: r.escalated.length,
    denied: r.denied.length,
    exceptions: r.exceptions.length,
    skippedStale: r.skippedStale,
    skippedRejected: r.skippedRejected,
  };
  const now = ctx.now().toISOString();
  ctx.store.runs.finish(r.runId, r.state, stats, r.error ?? null, now);
  if (r.state === 'FAILED')
    ctx.store.deadLetters.add('recon_pass', { runId: r.runId }, r.error ?? 'unknown error', now);
  const type = r.state === 'SUCCEEDED' ? 'RECON_RUN_SUCCEEDED' : 'RECON_RUN_FAILED';
  audit(ctx, type, parseActor(MATCHER_ACTOR), { runId: r.runId, ...stats, error: r.error ?? null }, now);
}
