import {
  chooseSpawner,
  SPAWNER_ENV,
  SpawnerUnavailableError,
  type SpawnerKind,
} from '../executor/spawn-backend.js';

/** How the gateway starts the CLIs: native posix_spawn, or node's spawn (a fork on Linux) and why. */
export interface SpawnerReport {
  kind: SpawnerKind | 'none';
  description: string;
  /** Why the native spawner is not in use (not built, not Linux, LLM_GATEWAY_SPAWN=node). */
  reason?: string;
  /** LLM_GATEWAY_SPAWN names one that is unavailable or unknown: the gateway refuses to start. */
  error?: string;
}

const DESCRIPTIONS: Record<SpawnerKind, string> = {
  native: 'native posix_spawn (spawn-native)',
  node: "node's child_process.spawn (fork)",
};

export function spawnerReport(env: NodeJS.ProcessEnv): SpawnerReport {
  try {
    const { spawner, reason } = chooseSpawner(env);
    return { kind: spawner.kind, description: DESCRIPTIONS[spawner.kind], ...(reason ? { reason } : {}) };
  } catch (err) {
    if (!(err instanceof SpawnerUnavailableError)) throw err;
    return { kind: 'none', description: `none: ${SPAWNER_ENV} cannot be honoured`, error: err.message };
  }
}

export function formatSpawner(r: SpawnerReport): string {
  const why = r.error ?? r.reason;
  return `Spawner: ${r.description}${why ? ` (${why})` : ''}`;
}

export function spawnerWarnings(r: SpawnerReport): string[] {
  return r.error ? [`spawner: ${r.error}; the gateway will not start`] : [];
}
