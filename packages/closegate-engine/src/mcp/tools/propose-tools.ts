import { z } from 'zod';
import { operation } from '../context.js';
import { idField, idempotencyKeyField, rationaleField, strictArgs } from '../schemas.js';
import { defineTool } from './define.js';
import { runReconPassIdempotently } from './recon-pass.js';

export const proposeTools = [
  defineTool({
    name: 'propose_match',
    tier: 'propose',
    title: 'Propose a match',
    description:
      'Propose that these lines match (GL against sub-ledger or bank lines, or GL lines of two entities). The engine classifies and prices it; someone else must confirm.',
    inputSchema: strictArgs({
      entry_ids: z.array(idField).min(2).max(50).describe('Ids of the lines to match.'),
      rationale: rationaleField.optional().describe('Why these lines belong together.'),
      idempotency_key: idempotencyKeyField,
    }),
    handler: (args, { actor, deps }) =>
      operation(
        deps.engine.operations.propose({
          actor: actor.raw,
          idempotencyKey: args.idempotency_key,
          entryIds: args.entry_ids,
          rationale: args.rationale,
        }),
        args.idempotency_key,
      ),
  }),
  defineTool({
    name: 'run_recon_pass',
    tier: 'propose',
    title: 'Run a recon pass',
    description:
      'Runs the deterministic matcher over all open lines as a workflow run: proposals as engine:matcher, confirmations only where the gate allows engine:autoconfirm; everything else is escalated or becomes an exception.',
    inputSchema: strictArgs({ idempotency_key: idempotencyKeyField }),
    transactional: false,
    handler: (args, { actor, deps }) => runReconPassIdempotently(deps.engine, actor, args.idempotency_key),
  }),
];
