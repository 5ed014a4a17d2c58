import { createHash } from 'node:crypto';
import type { Actor } from 'closegate-policy';
import type { Engine } from '../../engine.js';
import { IdempotencyConflictError } from '../../errors.js';
import type { ReconPassResult } from '../../recon/types.js';
import { data, type ToolOutcome } from '../context.js';

const OPERATION = 'run_recon_pass';
const ARGS_HASH = createHash('sha256').update(`{"operation":"${OPERATION}","args":{}}`).digest('hex');

/** What the tool returns: the pass result without timings (they differ on every run). */
function summary(r: ReconPassResult): Record<string, unknown> {
  return {
    runId: r.runId,
    state: r.state,
    proposed: r.proposed,
    autoConfirmed: r.autoConfirmed,
    escalated: r.escalated,
    denied: r.denied,
    exceptions: r.exceptions,
    skippedStale: r.skippedStale,
    ...(r.error === undefined ? {} : { error: r.error }),
  };
}

/**
 * The recon pass has no idempotency key of its own (it is also run by the CLI),
 * so the tool applies the engine's replay rule with the engine's idempotency
 * table: same actor + key -> the first result, nothing run again.
 * The pass manages its own batch transactions (heartbeats, crash recovery),
 * so it cannot run inside the tool's transaction; the key is saved right after.
 */
export function runReconPassIdempotently(engine: Engine, actor: Actor, key: string): ToolOutcome {
  const store = engine.context.store;
  const prior = store.idempotency.find(actor.raw, key);
  if (prior !== undefined) {
    if (prior.operation !== OPERATION || prior.argsHash !== ARGS_HASH)
      throw new IdempotencyConflictError(key, OPERATION);
    return data({ ...(JSON.parse(prior.resultJson) as Record<string, unknown>), replayed: true });
  }
  const result = summary(engine.runReconPass());
  store.tx(() =>
    store.idempotency.save(
      actor.raw,
      key,
      OPERATION,
      ARGS_HASH,
      JSON.stringify(result),
      engine.context.now().toISOString(),
    ),
  );
  return data(result);
}
