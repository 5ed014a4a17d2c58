import { parseActor, type Actor } from 'closegate-policy';
import type { Entry } from '../domain.js';
import type { MatchProposal, MatcherException } from '../matcher/config.js';
import { proposeAndAutoConfirm } from '../operations/autoMatch.js';
import type { EngineContext, OperationResult } from '../operations/context.js';
import { applyFlagException } from '../operations/flagException.js';
import type { ProposalFacts } from '../operations/propose.js';
import type { LoadedLines } from './snapshot.js';
import {
  AUTOCONFIRM_ACTOR,
  MATCHER_ACTOR,
  type ReconItem,
  type ReconPassResult,
  type ReconProgress,
} from './types.js';

/**
 * The proposals ordered by their lowest line id. The matcher's proposals
 * never share a line, so the order changes only match ids and the order of
 * audit events, not what is matched. In matcher order (by book, then date)
 * consecutive proposals touch lines on unrelated pages, and on a large book
 * every batch dirtied and wrote to the WAL about one page per line; in line
 * order a batch reuses the same few pages.
 */
export function inLineOrder(proposals: readonly MatchProposal[]): MatchProposal[] {
  // keys and positions in typed arrays: a million proposals sorted without a million {key, i} objects
  const keys = new Float64Array(proposals.length);
  const order = new Uint32Array(proposals.length);
  for (let i = 0; i < proposals.length; i++) {
    keys[i] = Math.min(...proposals[i]!.entryIds);
    order[i] = i;
  }
  order.sort((a, b) => keys[a]! - keys[b]! || a - b);
  const out = new Array<MatchProposal>(proposals.length);
  for (let k = 0; k < order.length; k++) out[k] = proposals[order[k]!]!;
  return out;
}

/**
 * Proposals, then exceptions, as one work list cut into batches of
 * `batchSize` items: each batch is one IMMEDIATE transaction (every item
 * still gated and audited inside it) that also refreshes the heartbeat. The
 * last batch also runs `inLastBatch` (the pass finishes its run there). A
 * small book (the demo pack) is a single transaction.
 */
export function applyInBatches(
  ctx: EngineContext,
  runId: number,
  work: PassWork,
  batchSize: number,
  result: ReconPassResult,
  progress: (p: ReconProgress) => void,
  inLastBatch: () => void,
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
        // nothing in a batch catches an error, so its audit events can be appended in groups
        const batch = ctx.store.audit.batch();
        const inBatch: EngineContext = { ...ctx, auditBatch: batch };
        for (let k = start; k < end; k++) {
          if (k < proposals.length) applyOne(inBatch, step, proposals[k]!, result);
          else flagOne(inBatch, step, exceptions[k - proposals.length]!, result);
        }
        batch.flush();
        ctx.store.runs.heartbeat(runId, ctx.now().toISOString());
        if (end === total) inLastBatch();
        ctx.faultInjector?.('after_mutation', 'recon_pass');
        // sign the head now, not after `work` returns: the signed-head row is the pass's own write,
        // and written after ownWrite's mark it made every later batch re-read its lines from SQL
        ctx.store.audit.seal();
      }),
    );
    if (start < proposals.length)
      progress({ stage: 'apply', done: Math.min(end, proposals.length), total: proposals.length });
    if (end > proposals.length)
      progress({ stage: 'exceptions', done: end - proposals.length, total: exceptions.length });
  }
}

export interface PassWork {
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

function flagOne(ctx: EngineContext, step: StepContext, x: MatcherException, result: ReconPassResult): void {
  const ids = [x.entryId];
  const entry = (step.lines !== undefined ? step.lines.take(ids) : currentLines(ctx, ids))?.[0];
  // taken by another actor since the pass loaded it
  if (entry === undefined) return;
  const detail = x.nearMissIds.length > 0 ? `${x.detail} (near: ${x.nearMissIds.join(', ')})` : x.detail;
  const now = ctx.now().toISOString();
  const r = applyFlagException(
    ctx,
    step.actors.matcher,
    x.entryId,
    x.reasonCode,
    detail,
    step.runId,
    now,
    entry,
  );
  if (r.exceptionId !== undefined)
    result.exceptions.push({
      entryId: x.entryId,
      exceptionId: r.exceptionId,
      reasonCode: x.reasonCode,
      detail,
    });
}
