import { evaluate, type Actor } from 'closegate-policy';
import type { Entry } from '../domain.js';
import { NotFoundError, StateConflictError } from '../errors.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { runOperation } from './runner.js';
import { flagExceptionSchema } from './schemas.js';
import { moveEntries } from './transitions.js';

/** flag_exception: set an unmatched entry aside with a reason (reversible, T1). */
export function flagException(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'flag_exception', flagExceptionSchema, input, (args, actor, now) =>
    applyFlagException(ctx, actor, args.entryId, 'FLAGGED', args.reason, null, now),
  );
}

/**
 * Core of flag_exception (caller holds the transaction); also used by the
 * recon pass, which passes the entry as it read it inside this transaction.
 */
export function applyFlagException(
  ctx: EngineContext,
  actor: Actor,
  entryId: number,
  reasonCode: string,
  detail: string,
  runId: number | null,
  now: string,
  known?: Entry,
): OperationResult {
  const entry = known ?? ctx.store.entries.get(entryId);
  if (entry === undefined) throw new NotFoundError('entry', entryId);
  if (entry.state !== 'unmatched') {
    throw new StateConflictError(
      `entry ${entryId} is ${entry.state}; only an unmatched entry can be flagged (reject its match first)`,
      { entryId },
    );
  }
  const decision = evaluate('flag_exception', { entryId }, actor, ctx.policy);
  if (decision.outcome !== 'allow') return denied(ctx, 'flag_exception', actor, decision, { entryId }, now);
  moveEntries(ctx, [entryId], 'exception', [entry]);
  const exceptionId = ctx.store.exceptions.add(entryId, reasonCode, detail, actor.raw, runId, now);
  const auditSeq = audit(
    ctx,
    'EXCEPTION_FLAGGED',
    actor,
    { entryId, exceptionId, reasonCode, detail, runId },
    now,
  );
  return {
    operation: 'flag_exception',
    outcome: 'allow',
    status: 'flagged',
    decision: decisionJson(decision),
    entryId,
    exceptionId,
    state: 'exception',
    auditSeq,
  };
}
