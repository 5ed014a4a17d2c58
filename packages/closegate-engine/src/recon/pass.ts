import { hostname } from 'node:os';
import { parseActor, type Actor } from 'closegate-policy';
import type { Entry } from '../domain.js';
import { runMatcher } from '../matcher/match.js';
import type { MatchProposal, MatcherConfig, MatcherException } from '../matcher/config.js';
import { proposeAndAutoConfirm } from '../operations/autoMatch.js';
import type { ProposalFacts } from '../operations/propose.js';
import type { EngineContext, OperationResult } from '../operations/context.js';
import { applyFlagException } from '../operations/flagException.js';
import { audit } from '../operations/gate.js';
import { pinnedRates } from '../storedRates.js';
import { LoadedLines } from './snapshot.js';

export const MATCHER_ACTOR = 'engine:matcher';
export const AUTOCONFIRM_ACTOR = 'engine:autoconfirm';

export interface ReconProgress {
  stage: 'load' | 'match' | 'apply' | 'exceptions';
  done: number;
  total: number;
}

export interface ReconPassOptions {
  /** Matcher settings; intercompany rules default to the database's. */
  matcher?: Partial<MatcherConfig>;
  /** Proposals per transaction (each batch also refreshes the heartbeat). */
  batchSize?: number;
  onProgress?: (p: ReconProgress) => void;
}

export interface ReconItem {
  matchId: number;
  type: string;
  entryIds: number[];
  amountUsd: string;
  escalationId?: number;
  code?: string;
  clauseText?: string;
  clausePointer?: string;
}

export interface ReconPassResult {
  runId: number;
  state: 'SUCCEEDED' | 'FAILED';
  proposed: number;
  autoConfirmed: ReconItem[];
  escalated: ReconItem[];
  denied: ReconItem[];
  exceptions: { entryId: number; exceptionId: number; reasonCode: string; detail: string }[];
  skippedStale: number;
  /** Proposals not made again because a person already rejected exactly these lines. */
  skippedRejected: number;
  timingsMs: { load: number; match: number; apply: number };
  error?: string;
}

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
  try {
    executePass(ctx, runId, opts, result);
  } catch (err) {
    result.state = 'FAILED';
    result.error = err instanceof Error ? err.message : String(err);
  }
  finishRun(ctx, result);
  return result;
}

function executePass(
  ctx: EngineContext,
  runId: number,
  opts: ReconPassOptions,
  result: ReconPassResult,
): void {
  const progress = opts.onProgress ?? (() => undefined);
  let t = performance.now();
  const lines = LoadedLines.load(ctx);
  const entries = lines.entries;
  progress({ stage: 'load', done: entries.length, total: entries.length });
  result.timingsMs.load = performance.now() - t;
  t = performance.now();
  const intercompanyRules = opts.matcher?.intercompanyRules ?? ctx.store.config.intercompanyRules();
  const matched = runMatcher(entries, pinnedRates(ctx.fx), { ...opts.matcher, intercompanyRules });
  progress({ stage: 'match', done: matched.proposals.length, total: matched.proposals.length });
  result.timingsMs.match = performance.now() - t;
  // a long match must not let the run look orphaned; a short one is covered by the first batch's beat
  if (result.timingsMs.match > HEARTBEAT_AFTER_MATCH_MS)
    ctx.store.tx(() => lines.ownWrite(() => ctx.store.runs.heartbeat(runId, ctx.now().toISOString())));
  t = performance.now();
  const work = { proposals: inLineOrder(matched.proposals), exceptions: matched.exceptions, lines };
  applyInBatches(ctx, runId, work, opts.batchSize ?? 500, result, progress);
  result.timingsMs.apply = performance.now() - t;
}

/**
 * The proposals ordered by their lowest line id. The matcher's proposals
 * never share a line, so the order changes only match ids and the order of
 * audit events, not what is matched. In matcher order (by book, then date)
 * consecutive proposals touch lines on unrelated pages, and on a large book
 * every batch dirtied and wrote to the WAL about one page per line; in line
 * order a batch reuses the same few pages.
 */
function inLineOrder(proposals: readonly MatchProposal[]): MatchProposal[] {
  const firstLine = (p: MatchProposal): number => Math.min(...p.entryIds);
  const keyed = proposals.map((p, i) => ({ key: firstLine(p), i }));
  keyed.sort((a, b) => a.key - b.key || a.i - b.i);
  return keyed.map((k) => proposals[k.i]!);
}

/** A match slower than this gets its own heartbeat transaction before the batches start. */
const HEARTBEAT_AFTER_MATCH_MS = 1000;

/**
 * Proposals, then exceptions, as one work list cut into batches of
 * `batchSize` items: each batch is one IMMEDIATE transaction (every item
 * still gated and audited inside it) that also refreshes the heartbeat. A
 * small book (the demo pack) is a single transaction.
 */
function applyInBatches(
  ctx: EngineContext,
  runId: number,
  work: PassWork,
  batchSize: number,
  result: ReconPassResult,
  progress: (p: ReconProgress) => void,
): void {
  const { proposals, exceptions, lines } = work;
  const actors: PassActors = {
    matcher: parseActor(MATCHER_ACTOR),
    autoconfirm: parseActor(AUTOCONFIRM_ACTOR),
  };
  const total = proposals.length + exceptions.length;
  for (let start = 0; start < total; start += batchSize) {
    const end = Math.min(start + batchSize, total);
    atomicBatch(ctx, result, () =>
      lines.ownWrite((clean) => {
        // the batch holds the write lock and the pass never rejects: no rejection can appear mid-batch
        const rejectionsExist = ctx.store.matches.anyRejected();
        const step: StepContext = { runId, actors, rejectionsExist, lines: clean ? lines : undefined };
        for (let k = start; k < end; k++) {
          if (k < proposals.length) applyOne(ctx, step, proposals[k]!, result);
          else flagOne(ctx, runId, exceptions[k - proposals.length]!, result, actors.matcher);
        }
        ctx.store.runs.heartbeat(runId, ctx.now().toISOString());
        ctx.faultInjector?.('after_mutation', 'recon_pass');
      }),
    );
    if (start < proposals.length)
      progress({ stage: 'apply', done: Math.min(end, proposals.length), total: proposals.length });
    if (end > proposals.length)
      progress({ stage: 'exceptions', done: end - proposals.length, total: exceptions.length });
  }
}

interface PassWork {
  proposals: readonly MatchProposal[];
  exceptions: readonly MatcherException[];
  lines: LoadedLines;
}

/** What every step of a batch shares. `lines` is set only while nothing else wrote since the load. */
interface StepContext {
  runId: number;
  actors: PassActors;
  rejectionsExist: boolean;
  lines: LoadedLines | undefined;
}

interface PassActors {
  matcher: Actor;
  autoconfirm: Actor;
}

/** One batch in one transaction; on rollback the in-memory tallies are rolled back too. */
function atomicBatch(ctx: EngineContext, r: ReconPassResult, fn: () => void): void {
  const skippedRejected = r.skippedRejected;
  const mark = {
    proposed: r.proposed,
    a: r.autoConfirmed.length,
    e: r.escalated.length,
    d: r.denied.length,
    x: r.exceptions.length,
    s: r.skippedStale,
  };
  try {
    ctx.store.tx(fn);
  } catch (err) {
    r.proposed = mark.proposed;
    r.autoConfirmed.length = mark.a;
    r.escalated.length = mark.e;
    r.denied.length = mark.d;
    r.exceptions.length = mark.x;
    r.skippedStale = mark.s;
    r.skippedRejected = skippedRejected;
    throw err;
  }
}

function applyOne(ctx: EngineContext, step: StepContext, p: MatchProposal, result: ReconPassResult): void {
  const entries = step.lines !== undefined ? step.lines.take(p.entryIds) : currentLines(ctx, p.entryIds);
  // a line in any other state was taken by another actor since the pass loaded it
  if (entries === undefined) {
    result.skippedStale++;
    return;
  }
  if (step.rejectionsExist && ctx.store.matches.wasRejected(p.entryIds)) {
    result.skippedRejected++;
    return;
  }
  const { runId, actors } = step;
  const now = ctx.now().toISOString();
  const { proposed, confirmed } = proposeAndAutoConfirm(
    ctx,
    actors.matcher,
    actors.autoconfirm,
    entries,
    proposalFacts(p, runId),
    now,
  );
  if (proposed.status !== 'proposed' || confirmed === undefined) return;
  result.proposed++;
  const item = itemOf(p, confirmed);
  if (confirmed.status === 'confirmed') result.autoConfirmed.push(item);
  else if (confirmed.status === 'escalated') result.escalated.push(item);
  else result.denied.push(item);
}

/** Fields listed rather than spread: on this path an object spread costs microseconds. */
function proposalFacts(p: MatchProposal, runId: number): ProposalFacts {
  return {
    type: p.type,
    score: p.score,
    amountUsd: p.amountUsd,
    fx: p.fx,
    rationale: p.rationale,
    intercompany: p.intercompany,
    runId,
  };
}

/** The lines as stored now, or undefined when one is gone or no longer unmatched. */
function currentLines(ctx: EngineContext, ids: readonly number[]): Entry[] | undefined {
  const entries: Entry[] = [];
  for (const id of ids) {
    const e = ctx.store.entries.get(id);
    if (e === undefined || e.state !== 'unmatched') return undefined;
    entries.push(e);
  }
  return entries;
}

function itemOf(p: MatchProposal, r: OperationResult): ReconItem {
  const item: ReconItem = { matchId: r.matchId!, type: p.type, entryIds: p.entryIds, amountUsd: p.amountUsd };
  if (r.escalationId !== undefined) item.escalationId = r.escalationId;
  if (r.decision.code !== undefined) item.code = r.decision.code;
  if (r.decision.clauseText !== undefined) item.clauseText = r.decision.clauseText;
  if (r.decision.clausePointer !== undefined) item.clausePointer = r.decision.clausePointer;
  return item;
}

function flagOne(
  ctx: EngineContext,
  runId: number,
  x: MatcherException,
  result: ReconPassResult,
  matcher: Actor,
): void {
  const entry = ctx.store.entries.get(x.entryId);
  if (entry === undefined || entry.state !== 'unmatched') return;
  const detail = x.nearMissIds.length > 0 ? `${x.detail} (near: ${x.nearMissIds.join(', ')})` : x.detail;
  const r = applyFlagException(ctx, matcher, x.entryId, x.reasonCode, detail, runId, ctx.now().toISOString());
  if (r.exceptionId !== undefined)
    result.exceptions.push({
      entryId: x.entryId,
      exceptionId: r.exceptionId,
      reasonCode: x.reasonCode,
      detail,
    });
}

function finishRun(ctx: EngineContext, r: ReconPassResult): void {
  const stats = {
    proposed: r.proposed,
    autoConfirmed: r.autoConfirmed.length,
    escalated: r.escalated.length,
    denied: r.denied.length,
    exceptions: r.exceptions.length,
    skippedStale: r.skippedStale,
    skippedRejected: r.skippedRejected,
  };
  ctx.store.tx(() => {
    const now = ctx.now().toISOString();
    ctx.store.runs.finish(r.runId, r.state, stats, r.error ?? null, now);
    if (r.state === 'FAILED')
      ctx.store.deadLetters.add('recon_pass', { runId: r.runId }, r.error ?? 'unknown error', now);
    const type = r.state === 'SUCCEEDED' ? 'RECON_RUN_SUCCEEDED' : 'RECON_RUN_FAILED';
    audit(ctx, type, parseActor(MATCHER_ACTOR), { runId: r.runId, ...stats, error: r.error ?? null }, now);
  });
}
