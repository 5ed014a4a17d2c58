import { validateBooks, type LoadedBooks } from '../books/load.js';
import type { BooksInput } from '../books/schema.js';
import { DEMO_ACCOUNTS, DEMO_ENTITIES, DEMO_FX_RATES, DEMO_INTERCOMPANY_RULES } from './demoPack.js';

const ACCOUNT_TYPES: Readonly<Record<string, 'asset' | 'liability'>> = {
  '1010': 'asset',
  '1030': 'asset',
  '1200': 'asset',
  '1950': 'asset',
  '2000': 'liability',
  '2950': 'liability',
};

/**
 * The demo pack's books document: what `books init --from` would read for
 * the demo, built from the seed pack's constants so the two never drift.
 * Its fixed rates date from 2026-01-01 and serve the March lines, hence a
 * staleness window of a year (disclosed: demo rates, not market rates).
 */
export function demoBooksInput(): BooksInput {
  return {
    version: 1,
    name: 'closegate demo pack',
    entities: DEMO_ENTITIES.map((e) => ({
      code: e.code,
      name: e.name,
      currency: e.currency,
      time_zone: e.timeZone,
    })),
    accounts: DEMO_ACCOUNTS.map((a) => ({
      entity: a.entity,
      code: a.code,
      name: a.name,
      type: ACCOUNT_TYPES[a.code] ?? 'asset',
      sensitivity: a.sensitivity,
    })),
    intercompany: DEMO_INTERCOMPANY_RULES.map((r) => ({
      name: r.name,
      a: { entity: r.a.entity, account: r.a.accountCode },
      b: { entity: r.b.entity, account: r.b.accountCode },
    })),
    fx: {
      max_staleness_days: 366,
      fixed_table: true,
      rates: DEMO_FX_RATES.map((r) => ({
        date: r.asOf,
        base: r.base,
        quote: r.quote,
        rate: r.rate,
        source: 'demo-fixed (not market rates)',
      })),
    },
  };
}

export function demoBooks(): LoadedBooks {
  return validateBooks(demoBooksInput());
}
