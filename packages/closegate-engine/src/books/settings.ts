import type { MatchingRules } from '../matcher/rules.js';
import { DEFAULT_MATCHING_RULES, matchingRulesSchema } from '../matcher/rules.js';
import type { ReconStore } from '../store/index.js';
import type { LoadedBooks } from './load.js';
import type { CloseCalendarSpec } from './schema.js';

/** The books.yaml settings kept in the books_config table, by key. */
export interface BooksSettings {
  /** Label and version (SHA-256) of the books document last applied. */
  books: { name: string | null; version: string };
  /** The `matching:` section, or null when the file leaves it out (the defaults apply). */
  matching_rules: MatchingRules | null;
  fx: { max_staleness_days: number; fixed_table: boolean };
  materiality: { overrides_from_policy: string[] };
  close_calendars: Record<string, CloseCalendarSpec>;
}

export function booksSettings(books: LoadedBooks): BooksSettings {
  const doc = books.document;
  return {
    books: { name: doc.name ?? null, version: books.version },
    matching_rules: doc.matching ?? null,
    fx: { max_staleness_days: doc.fx.max_staleness_days, fixed_table: doc.fx.fixed_table },
    materiality: { overrides_from_policy: doc.materiality.overrides_from_policy },
    close_calendars: Object.fromEntries(doc.entities.map((e) => [e.code, e.close_calendar])),
  };
}

/**
 * The `matching:` rules stored by `books apply`, validated again on the way
 * out (a hand-edited row cannot reach the matcher unchecked); undefined when
 * the books leave them out or were never applied.
 */
export function storedMatchingRules(store: ReconStore): MatchingRules | undefined {
  const raw = store.config.setting('matching_rules');
  if (raw === undefined || raw === null) return undefined;
  return matchingRulesSchema.parse(raw);
}

/** The matching rules the engine should use: the stored ones, else DEFAULT_MATCHING_RULES. */
export function loadMatchingRules(store: ReconStore): MatchingRules {
  return storedMatchingRules(store) ?? DEFAULT_MATCHING_RULES;
}

/**
 * True when the books declare their rates a fixed demo/test table, or were
 * set up before books.yaml (the demo's fixed table): refused in prod.
 */
export function isFixedRateTable(store: ReconStore): boolean {
  const raw = store.config.setting('fx') as { fixed_table?: unknown } | undefined;
  return raw === undefined || raw.fixed_table === true;
}

/**
 * The FX staleness window in days, undefined for a database set up before
 * books.yaml existed (the demo's fixed-rate table then applies as before).
 */
export function maxStalenessDays(store: ReconStore): number | undefined {
  const raw = store.config.setting('fx') as { max_staleness_days?: unknown } | undefined;
  return typeof raw?.max_staleness_days === 'number' ? raw.max_staleness_days : undefined;
}
