import { z } from 'zod';
import { operation } from '../context.js';
import { idField, idempotencyKeyField, rationaleField, strictArgs } from '../schemas.js';
import { defineTool } from './define.js';

const reason = z.string().min(1).max(2000);

/** T1: reversible, audited, idempotent state changes any actor may make (the gate still decides). */
export const t1Tools = [
  defineTool({
    name: 'reject_match',
    tier: 'T1',
    title: 'Reject a match',
    description:
      'Reject a proposed match; its lines return to unmatched. Rejecting an engine proposal needs a rationale.',
    inputSchema: strictArgs({
      match_id: idField,
      rationale: rationaleField.optional(),
      idempotency_key: idempotencyKeyField,
    }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.reject({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          matchId: args.match_id,
          rationale: args.rationale,
        }),
        args.idempotency_key,
      ),
  }),
  defineTool({
    name: 'flag_exception',
    tier: 'T1',
    title: 'Flag an exception',
    description:
      'Set an unmatched entry aside as an exception with a reason, for a human to look at. Use it to report suspicious memos.',
    inputSchema: strictArgs({ entry_id: idField, reason, idempotency_key: idempotencyKeyField }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.flagException({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          entryId: args.entry_id,
          reason: args.reason,
        }),
        args.idempotency_key,
      ),
  }),
  defineTool({
    name: 'resolve_exception',
    tier: 'T1',
    title: 'Resolve an exception',
    description:
      'Close an open exception with a written reason (humans only; the entry returns to unmatched). Name it by exception_id or entry_id.',
    inputSchema: strictArgs({
      exception_id: idField.optional(),
      entry_id: idField.optional(),
      reason,
      idempotency_key: idempotencyKeyField,
    }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.resolveException({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          exceptionId: args.exception_id,
          entryId: args.entry_id,
          reason: args.reason,
        }),
        args.idempotency_key,
      ),
  }),
  defineTool({
    name: 'escalate_match',
    tier: 'T1',
    title: 'Escalate a match',
    description: 'Hand a proposed match to a human for decision, with a reason.',
    inputSchema: strictArgs({ match_id: idField, reason, idempotency_key: idempotencyKeyField }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.escalate({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          matchId: args.match_id,
          reason: args.reason,
        }),
        args.idempotency_key,
      ),
  }),
];
