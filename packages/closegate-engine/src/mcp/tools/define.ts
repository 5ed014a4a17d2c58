import type { TieredToolSpec } from '../register.js';
import type { StrictArgs } from '../schemas.js';

/** Keeps a tool spec's argument type while collecting specs of different schemas in one list. */
export function defineTool<S extends StrictArgs>(spec: TieredToolSpec<S>): TieredToolSpec {
  return spec as unknown as TieredToolSpec;
}
