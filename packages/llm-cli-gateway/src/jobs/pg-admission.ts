import type { PgClient } from '../store/pg/pool.js';
import { SaturatedError } from './errors.js';
import type { SchedulerLimits } from './scheduler.js';

/**
 * Every decision that depends on how many slots are taken (claim, a sync
 * slot, a submit that checks queue capacity) runs under this one
 * transaction-scoped advisory lock, counting the `running` rows of every
 * instance: the global, per-provider and per-principal limits therefore hold
 * across instances. Finishing a job needs no lock (it only frees a slot, and
 * a claim that missed it is merely conservative).
 */
const SLOTS_LOCK = 'llm-cli-gateway:jobs:slots';

/** Slots taken right now, across instances. */
export type Counts = { total: number; byProvider: Map<string, number>; byOwner: Map<string, number> };

/** Takes the slots lock (until the transaction ends) and counts the running rows. */
export async function lockAndCount(c: PgClient): Promise<Counts> {
  await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [SLOTS_LOCK]);
  const { rows } = await c.query<{ provider: string; owner: string; n: number }>(
    `SELECT provider, owner, count(*)::int AS n FROM gateway_jobs WHERE state = 'running' GROUP BY provider, owner`,
  );
  const counts: Counts = { total: 0, byProvider: new Map(), byOwner: new Map() };
  for (const r of rows) {
    counts.total += r.n;
    counts.byProvider.set(r.provider, (counts.byProvider.get(r.provider) ?? 0) + r.n);
    counts.byOwner.set(r.owner, (counts.byOwner.get(r.owner) ?? 0) + r.n);
  }
  return counts;
}

/** Whether one more slot of `provider` for `owner` stays within every limit. */
export function fits(l: SchedulerLimits, counts: Counts, provider: string, owner: string): boolean {
  return (
    counts.total < l.maxConcurrent &&
    (counts.byProvider.get(provider) ?? 0) < (l.perProvider[provider] ?? l.maxConcurrent) &&
    (l.perPrincipal === undefined || (counts.byOwner.get(owner) ?? 0) < l.perPrincipal)
  );
}

/** Counts a slot just granted, for the next decision in the same transaction. */
export function take(counts: Counts, provider: string, owner: string): void {
  counts.total++;
  counts.byProvider.set(provider, (counts.byProvider.get(provider) ?? 0) + 1);
  counts.byOwner.set(owner, (counts.byOwner.get(owner) ?? 0) + 1);
}

/** Refuses (retryable) when the queue, or this owner's share of it, is full. */
export async function checkQueueRoom(
  c: PgClient,
  l: SchedulerLimits,
  counts: Counts,
  provider: string,
  owner: string,
): Promise<void> {
  const { rows } = await c.query<{ total: number; mine: number }>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE owner = $1)::int AS mine
       FROM gateway_jobs WHERE state = 'queued'`,
    [owner],
  );
  const { total, mine } = rows[0]!;
  const retry = Math.max(1, Math.ceil(l.queueTimeoutMs / 10_000));
  if (l.perPrincipalQueue !== undefined && mine >= l.perPrincipalQueue)
    throw new SaturatedError(`of your (${owner})`, retry);
  if (total >= l.maxQueue)
    throw new SaturatedError(counts.total >= l.maxConcurrent ? 'gateway' : provider, retry);
}

/** SET clause of a claimed row: running here ($2 instance, $3 host, $4 lease in ms), payload cleared. */
export const RUNNING_SET = `state = 'running', instance_id = $2, host = $3, payload = NULL, started_at = clock_timestamp(),
      lease_expires_at = clock_timestamp() + $4 * interval '1 millisecond'`;
