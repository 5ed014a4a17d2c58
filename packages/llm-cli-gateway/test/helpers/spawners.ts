import { loadNativeSpawn } from 'spawn-native';
import { afterAll, beforeAll } from 'vitest';
import { SPAWNER_ENV, type SpawnerKind } from '../../src/executor/spawn-backend.js';

/**
 * The spawners to run process tests against: node's always, the native one when it is built
 * (CI builds it at `npm ci`; spawn-child.test.ts fails there when it did not load).
 */
export const SPAWNERS: readonly SpawnerKind[] = loadNativeSpawn() ? ['native', 'node'] : ['node'];

/** Inside a describe block: every spawn of its tests goes through `kind`. */
export function useSpawner(kind: SpawnerKind): void {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env[SPAWNER_ENV];
    process.env[SPAWNER_ENV] = kind;
  });
  afterAll(() => {
    if (before === undefined) delete process.env[SPAWNER_ENV];
    else process.env[SPAWNER_ENV] = before;
  });
}
