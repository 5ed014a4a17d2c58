import { createHash } from 'node:crypto';
import { canonicalJson } from 'audit-chain';
import { parseActor, type Actor } from 'closegate-policy';
import type { z } from 'zod';
import { IdempotencyConflictError, InvalidInputError } from '../errors.js';
import type { EngineContext, OperationResult } from './context.js';

export interface BaseInput {
  actor: string;
  idempotencyKey: string;
}

/** Parses input with zod; every failure becomes InvalidInputError naming the field. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, operation: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(input)';
    throw new InvalidInputError(`${operation}: ${path}: ${issue.message}`, { operation, path });
  }
  return parsed.data;
}

function parseActorOrThrow(raw: string, operation: string): Actor {
  try {
    return parseActor(raw);
  } catch (err) {
    throw new InvalidInputError(`${operation}: ${(err as Error).message}`, { operation, path: 'actor' });
  }
}

/**
 * Runs one operation as ONE immediate transaction:
 *   idempotency check -> body (load subject, gate, mutate, audit append) ->
 *   fault hook -> store the result under the key -> commit.
 * A replay with the same key and arguments returns the first result and
 * writes nothing; the same key with other arguments is an error.
 */
export function runOperation<I extends BaseInput>(
  ctx: EngineContext,
  operation: string,
  schema: z.ZodType<I>,
  rawInput: unknown,
  body: (input: I, actor: Actor, now: string) => OperationResult,
): OperationResult {
  const input = parseInput(schema, rawInput, operation);
  const actor = parseActorOrThrow(input.actor, operation);
  const { idempotencyKey, ...args } = input;
  const argsHash = createHash('sha256').update(canonicalJson({ operation, args })).digest('hex');
  return ctx.store.tx(() => {
    const prior = ctx.store.idempotency.find(actor.raw, idempotencyKey);
    if (prior !== undefined) {
      if (prior.operation !== operation || prior.argsHash !== argsHash) {
        throw new IdempotencyConflictError(idempotencyKey, operation);
      }
      return { ...(JSON.parse(prior.resultJson) as OperationResult), replayed: true };
    }
    const now = ctx.now().toISOString();
    const result = body(input, actor, now);
    ctx.faultInjector?.('after_mutation', operation);
    ctx.store.idempotency.save(actor.raw, idempotencyKey, operation, argsHash, JSON.stringify(result), now);
    return result;
  });
}
