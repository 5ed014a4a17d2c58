import type { NativeSpawn } from 'spawn-native';

/** `native`: posix_spawn through spawn-native (Linux); `node`: node's child_process.spawn (fork on Linux). */
export type SpawnerKind = 'native' | 'node';

export const SPAWNER_ENV = 'LLM_GATEWAY_SPAWN';

export type Spawner = { readonly kind: 'native'; readonly api: NativeSpawn } | { readonly kind: 'node' };

/** The chosen spawner and, when it is node's, why the native one is not in use. */
export interface SpawnerChoice {
  readonly spawner: Spawner;
  readonly reason?: string;
}

export class SpawnerUnavailableError extends Error {}

// spawn-native is an optional dependency (Linux only, compiled at install): loaded once, and its
// absence or a failed build only means node's spawn.
const native: { api?: NativeSpawn; reason?: string } = await import('spawn-native').then(
  (mod) => {
    const api = mod.loadNativeSpawn();
    return api ? { api } : { reason: mod.nativeSpawnUnavailableReason() ?? 'spawn-native did not load' };
  },
  (err: unknown) => ({ reason: `spawn-native is not installed (${(err as Error).message.split('\n')[0]})` }),
);

const NODE: Spawner = { kind: 'node' };
let lastSetting: string | undefined;
let lastChoice: SpawnerChoice | undefined;

/**
 * The spawner for the next child: `LLM_GATEWAY_SPAWN=node|native` forces one, otherwise native
 * when it loaded. Throws when native is forced but unavailable, or the value is unknown: never a
 * silent fallback from an explicit choice.
 */
export function chooseSpawner(env: NodeJS.ProcessEnv = process.env): SpawnerChoice {
  const setting = env[SPAWNER_ENV] ?? '';
  if (lastChoice !== undefined && setting === lastSetting) return lastChoice;
  let choice: SpawnerChoice;
  if (setting === 'node') choice = { spawner: NODE, reason: `${SPAWNER_ENV}=node` };
  else if (setting !== '' && setting !== 'native')
    throw new SpawnerUnavailableError(`${SPAWNER_ENV}=${setting}: expected "node" or "native"`);
  else if (native.api !== undefined) choice = { spawner: { kind: 'native', api: native.api } };
  else if (setting === 'native')
    throw new SpawnerUnavailableError(
      `${SPAWNER_ENV}=native, but the native spawner is unavailable: ${native.reason}`,
    );
  else choice = { spawner: NODE, reason: native.reason };
  lastSetting = setting;
  lastChoice = choice;
  return choice;
}

/** After the kernel refused pidfd_open (ENOSYS, Linux < 5.3): node's spawn from now on. */
export function disableNativeSpawner(reason: string): void {
  native.api = undefined;
  native.reason = reason;
  lastChoice = undefined;
}

/** The native kill(-pgid, sig) that returns an errno instead of throwing, when the native spawner is in use. */
export function nativeGroupSignaller(): NativeSpawn['signalGroup'] | undefined {
  try {
    const { spawner } = chooseSpawner();
    return spawner.kind === 'native' ? spawner.api.signalGroup : undefined;
  } catch {
    return undefined;
  }
}
