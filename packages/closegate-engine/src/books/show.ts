import type { EngineContext } from '../operations/context.js';
import type { TypedAccount } from '../store/entities.js';
import { fxView, type FxView } from './fx.js';
import { loadMatchingRules, storedMatchingRules, type BooksSettings } from './settings.js';

export interface BooksView {
  books: BooksSettings['books'] | null;
  entities: {
    code: string;
    name: string;
    currency: string;
    timeZone: string;
    closeCalendar: unknown;
    entries: number;
  }[];
  accounts: (TypedAccount & { entries: number })[];
  intercompany: { name: string; a: string; b: string }[];
  materiality: { overridesFromPolicy: string[]; policy: Record<string, unknown> };
  matching: { source: 'books.yaml' | 'default'; rules: unknown };
  fx: FxView;
}

/** Everything `books show` prints: the books as the engine holds them. */
export function booksView(ctx: EngineContext): BooksView {
  const { store, policy } = ctx;
  const calendars = (store.config.setting('close_calendars') ?? {}) as Record<string, unknown>;
  const materiality = store.config.setting('materiality') as { overrides_from_policy?: string[] } | undefined;
  return {
    books: (store.config.setting('books') as BooksSettings['books'] | undefined) ?? null,
    entities: store.entities.entities().map((e) => ({
      code: e.code,
      name: e.name,
      currency: e.currency,
      timeZone: e.timeZone,
      closeCalendar: calendars[e.code] ?? null,
      entries: store.entities.entityEntryCount(e.code),
    })),
    accounts: store.entities
      .typedAccounts()
      .map((a) => ({ ...a, entries: store.entities.entryCount(a.entity, a.code) })),
    intercompany: store.config.intercompanyRules().map((r) => ({
      name: r.name,
      a: `${r.a.entity} ${r.a.accountCode}`,
      b: `${r.b.entity} ${r.b.accountCode}`,
    })),
    materiality: {
      overridesFromPolicy: materiality?.overrides_from_policy ?? [],
      policy: policy.document.entity_materiality_overrides as Record<string, unknown>,
    },
    matching: {
      source: storedMatchingRules(store) === undefined ? 'default' : 'books.yaml',
      rules: loadMatchingRules(store),
    },
    fx: fxView(ctx),
  };
}
