import { parseActor } from 'closegate-policy';
import { applyBooksInTransaction } from '../books/apply.js';
import type { EngineContext, OperationResult } from '../operations/context.js';
import { insertEntries } from '../operations/posting.js';
import { demoBooks } from './demoBooks.js';
import { DEMO_FX_RATES, DEMO_INTERCOMPANY_RULES, demoEntries } from './demoPack.js';

export const SEED_ACTOR = 'engine:seed';

/**
 * Loads the demo pack into an empty database in one transaction, on the
 * same path a new user takes: the demo books document applied as `books
 * apply` does (one BOOKS_APPLIED event), then the demo lines (one
 * DEMO_SEEDED event). Refuses a database that already has entities.
 */
export function seedDemo(ctx: EngineContext): OperationResult {
  return ctx.store.tx(() => {
    if (!ctx.store.isEmpty())
      throw new Error('the database already holds entities; the demo pack only seeds an empty database');
    const books = demoBooks();
    const applied = applyBooksInTransaction(ctx, parseActor(SEED_ACTOR), books, ctx.now().toISOString());
    const extra = {
      books: { version: books.version, auditSeq: applied.auditSeq },
      entitiesCreated: books.document.entities.map((e) => e.code),
      fxRates: DEMO_FX_RATES.map((r) => ({ ...r })),
      intercompanyRules: DEMO_INTERCOMPANY_RULES.map((r) => r.name),
    };
    return insertEntries(ctx, SEED_ACTOR, demoEntries(), 'demo-pack-2026-03', extra, 'DEMO_SEEDED');
  });
}
