import { z } from 'zod';
import { operation } from '../context.js';
import { originOf } from '../origin.js';
import {
  entityField,
  idField,
  idempotencyKeyField,
  periodField,
  rationaleField,
  strictArgs,
} from '../schemas.js';
import { defineTool } from './define.js';

/** T2 confirm, human-only escalation decisions and the T3 period close: every one judged by the engine's gate. */
export const approvalTools = [
  defineTool({
    name: 'confirm_match',
    tier: 'T2',
    title: 'Confirm a match',
    description:
      'Confirm a proposed match. The gate denies the proposer and any llm confirming an llm proposal, and escalates to a human above materiality, on sensitive accounts or for fuzzy/many-to-one matches. Above materiality a rationale is required.',
    inputSchema: strictArgs({
      match_id: idField,
      rationale: rationaleField.optional(),
      idempotency_key: idempotencyKeyField,
    }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.confirm({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          matchId: args.match_id,
          rationale: args.rationale,
        }),
        args.idempotency_key,
      ),
  }),
  defineTool({
    name: 'resolve_escalation',
    tier: 'human',
    title: 'Resolve an escalation',
    description:
      'Approve or reject an open escalation (humans only, never the proposer). Approving re-runs the gate as you. For a period close (T3) your approval is one vote of the distinct humans the policy requires (at least two; desk_get_escalation shows how many).',
    inputSchema: strictArgs({
      escalation_id: idField,
      decision: z.enum(['approve', 'reject']),
      rationale: rationaleField.optional(),
      idempotency_key: idempotencyKeyField,
    }),
    handler: (args, { actor, principal, deps }) =>
      operation(
        deps.engine.operations.resolveEscalation({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          escalationId: args.escalation_id,
          decision: args.decision,
          rationale: args.rationale,
          ...originOf(principal),
        }),
        args.idempotency_key,
      ),
  }),
  defineTool({
    name: 'close_period',
    tier: 'T3',
    title: 'Close a period',
    description:
      'Request closing an entity period (irreversible). The period moves to closing and closes only after the number of distinct humans the policy requires (at least two), none the requester, approve via resolve_escalation.',
    inputSchema: strictArgs({
      entity: entityField,
      period: periodField,
      idempotency_key: idempotencyKeyField,
    }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.closePeriod({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          entity: args.entity,
          period: args.period,
        }),
        args.idempotency_key,
      ),
  }),
];
