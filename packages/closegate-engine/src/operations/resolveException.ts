import { evaluate } from 'closegate-policy';
import type { ExceptionRecord } from '../domain.js';
import { NotFoundError, StateConflictError } from '../errors.js';
import type { EngineContext, OperationResult } from './context.js';
import { audit, decisionJson, denied } from './gate.js';
import { runOperation } from './runner.js';
import { resolveExceptionSchema } from './schemas.js';
import { moveEntries } from './transitions.js';

/**
 * resolve_exception: a human closes an open exception with a written reason
 * (T1, humans only: the gate denies `llm:` and `engine:` actors).
 *
 * The entry goes back to `unmatched`: the entry state machine allows
 * exception -> unmatched ("exception cleared") and nothing else that fits
 * (exception -> proposed needs a match). Resolving says "this is explained",
 * not "this is reconciled", so the line stays visible to the matcher and to
 * list_unmatched until a match settles it; keeping it `exception` with no
 * open exception would hide it from both queues.
 */
export function resolveException(ctx: EngineContext, input: unknown): OperationResult {
  return runOperation(ctx, 'resolve_exception', resolveExceptionSchema, input, (args, actor, now) => {
    const exception = findOpen(ctx, args.exceptionId, args.entryId);
    const subject = { entryId: exception.entryId, exceptionId: exception.id };
    const decision = evaluate('resolve_exception', subject, actor, ctx.policy);
    if (decision.outcome !== 'allow') return denied(ctx, 'resolve_exception', actor, decision, subject, now);
    const entry = ctx.store.entries.get(exception.entryId);
    if (entry === undefined) throw new NotFoundError('entry', exception.entryId);
    if (entry.state === 'exception') moveEntries(ctx, [entry.id], 'unmatched', [entry]);
    if (!ctx.store.exceptions.resolve(exception.id, actor.raw, args.reason, now)) {
      throw new StateConflictError(`exception ${exception.id} is no longer open`, {
        exceptionId: exception.id,
      });
    }
    const auditSeq = audit(
      ctx,
      'EXCEPTION_RESOLVED',
      actor,
      { entryId: entry.id, exceptionId: exception.id, reason: args.reason, entryState: entry.state },
      now,
    );
    return {
      operation: 'resolve_exception',
      outcome: 'allow',
      status: 'resolved',
      decision: decisionJson(decision),
      entryId: entry.id,
      exceptionId: exception.id,
      state: entry.state,
      auditSeq,
    };
  });
}

/** The open exception named by id, or the entry's open exception; anything else is refused. */
function findOpen(ctx: EngineContext, exceptionId?: number, entryId?: number): ExceptionRecord {
  if (exceptionId !== undefined) {
    const x = ctx.store.exceptions.get(exceptionId);
    if (x === undefined) throw new NotFoundError('exception', exceptionId);
    if (x.state !== 'open') {
      throw new StateConflictError(`exception ${exceptionId} is already ${x.state}`, { exceptionId });
    }
    return x;
  }
  const x = ctx.store.exceptions.openFor(entryId!);
  if (x === undefined) {
    if (ctx.store.entries.get(entryId!) === undefined) throw new NotFoundError('entry', entryId!);
    throw new StateConflictError(`entry ${entryId} has no open exception`, { entryId });
  }
  return x;
}
