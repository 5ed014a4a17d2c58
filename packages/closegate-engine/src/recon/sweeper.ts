import { hostname } from 'node:os';
import { parseActor } from 'closegate-policy';
import type { RunRecord } from '../domain.js';
import type { EngineContext } from '../operations/context.js';
import { audit } from '../operations/gate.js';

export const SWEEPER_ACTOR = 'engine:sweeper';
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 120_000;

/**
 * True when the run's owner ("host:pid") is a process on this host that no
 * longer exists. A pid that exists (or that we may not signal) counts as
 * alive; another host's runs are judged by heartbeat only.
 */
export function ownerIsGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Recovery sweeper, run at start-up: a RUNNING workflow run lost its owner
 * (crash, kill) when its heartbeat is older than the timeout, or when its
 * owner process on this host no longer exists. Each is marked ORPHANED with
 * one RUN_ORPHANED audit event, and returned.
 */
export function sweepOrphanedRuns(
  ctx: EngineContext,
  heartbeatTimeoutMs = DEFAULT_HEARTBEAT_TIMEOUT_MS,
): RunRecord[] {
  const actor = parseActor(SWEEPER_ACTOR);
  return ctx.store.tx(() => {
    const nowDate = ctx.now();
    const now = nowDate.toISOString();
    const cutoff = new Date(nowDate.getTime() - heartbeatTimeoutMs).toISOString();
    const orphaned: RunRecord[] = [];
    const expired = new Set(ctx.store.runs.runningWithHeartbeatBefore(cutoff).map((r) => r.id));
    for (const run of ctx.store.runs.running()) {
      const gone = !expired.has(run.id) && ownerIsGone(run.owner);
      if (!expired.has(run.id) && !gone) continue;
      const why = gone ? `owner process ${run.owner} is gone` : `no heartbeat since ${run.heartbeatAt}`;
      const error = `orphaned: ${why} (owner ${run.owner})`;
      if (!ctx.store.runs.finish(run.id, 'ORPHANED', run.stats, error, now)) continue;
      audit(
        ctx,
        'RUN_ORPHANED',
        actor,
        {
          runId: run.id,
          kind: run.kind,
          owner: run.owner,
          heartbeatAt: run.heartbeatAt,
          reason: gone ? 'owner_gone' : 'heartbeat_expired',
        },
        now,
      );
      orphaned.push(ctx.store.runs.get(run.id)!);
    }
    return orphaned;
  });
}
