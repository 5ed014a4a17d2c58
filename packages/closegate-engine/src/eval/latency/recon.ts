import { percentiles, type Percentiles } from '../stats.js';
import { openCopy } from '../policy/run.js';
import type { Workspace } from '../workspace.js';

export interface ReconLatency extends Percentiles {
  lines: number;
  proposedPerPass: number;
  stagesP50: { load: number; match: number; apply: number };
}

/**
 * Recon pass wall time on the demo pack: each sample is one full pass
 * (load, match, propose + gate + audit, exceptions) on a fresh copy of the
 * seeded database; the first `warmup` passes are not counted.
 */
export function measureReconPasses(
  ws: Workspace,
  template: string,
  policyText: string,
  samples: number,
  warmup = 2,
): ReconLatency {
  const times: number[] = [];
  const stages = { load: [] as number[], match: [] as number[], apply: [] as number[] };
  let lines = 0;
  let proposed = 0;
  for (let i = 0; i < samples + warmup; i++) {
    const engine = openCopy(ws, template, `latency-${i}`, policyText);
    try {
      lines = engine.context.store.db.prepare('SELECT COUNT(*) AS n FROM entries').pluck().get() as number;
      const t = performance.now();
      const r = engine.runReconPass();
      const elapsed = performance.now() - t;
      if (r.state !== 'SUCCEEDED') throw new Error(`recon pass ${r.runId} ${r.state}: ${r.error ?? ''}`);
      if (i < warmup) continue;
      times.push(elapsed);
      stages.load.push(r.timingsMs.load);
      stages.match.push(r.timingsMs.match);
      stages.apply.push(r.timingsMs.apply);
      proposed = r.proposed;
    } finally {
      engine.close();
    }
  }
  return {
    ...percentiles(times),
    lines,
    proposedPerPass: proposed,
    stagesP50: {
      load: percentiles(stages.load).p50,
      match: percentiles(stages.match).p50,
      apply: percentiles(stages.apply).p50,
    },
  };
}
