import type { EngineContext, OperationResult } from '../operations/context.js';
import { insertEntries } from '../operations/importEntries.js';
import {
  DEMO_ACCOUNTS,
  DEMO_ENTITIES,
  DEMO_FX_RATES,
  DEMO_INTERCOMPANY_RULES,
  demoEntries,
} from './demoPack.js';

export const SEED_ACTOR = 'engine:seed';

/**
 * Loads the demo pack into an empty database in one transaction with one
 * DEMO_SEEDED audit event. Refuses a database that already has entities.
 */
export function seedDemo(ctx: EngineContext): OperationResult {
  return ctx.store.tx(() => {
    if (!ctx.store.isEmpty())
      throw new Error('the database already holds entities; the demo pack only seeds an empty database');
    for (const e of DEMO_ENTITIES) ctx.store.entities.addEntity(e);
    for (const a of DEMO_ACCOUNTS) ctx.store.entities.addAccount(a);
    for (const r of DEMO_FX_RATES) ctx.store.config.addRate(r);
    for (const r of DEMO_INTERCOMPANY_RULES) ctx.store.config.addIntercompanyRule(r);
    const extra = {
      entitiesCreated: DEMO_ENTITIES.map((e) => e.code),
      fxRates: DEMO_FX_RATES.map((r) => ({ ...r })),
      intercompanyRules: DEMO_INTERCOMPANY_RULES.map((r) => r.name),
    };
    return insertEntries(ctx, SEED_ACTOR, demoEntries(), 'demo-pack-2026-03', extra, 'DEMO_SEEDED');
  });
}
