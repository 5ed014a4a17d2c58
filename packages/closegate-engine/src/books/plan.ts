import { Decimal } from 'closegate-policy';
import type { EntityRecord } from '../domain.js';
import type { IntercompanyRule } from '../matcher/config.js';
import type { ReconStore } from '../store/index.js';
import type { TypedAccount } from '../store/entities.js';
import type { BooksIssue } from './errors.js';
import type { LoadedBooks } from './load.js';
import { booksSettings, type BooksSettings } from './settings.js';

/** One change `books apply` makes, as recorded in the BOOKS_APPLIED audit event. */
export interface BooksChange {
  kind:
    | 'entity_added'
    | 'entity_updated'
    | 'entity_removed'
    | 'account_added'
    | 'account_updated'
    | 'account_removed'
    | 'intercompany_added'
    | 'intercompany_removed'
    | 'rate_added'
    | 'setting_changed';
  key: string;
}

/** What applying a books document would do to the store, or why it may not. */
export interface BooksPlan {
  changes: BooksChange[];
  refusals: { code: string; issue: BooksIssue }[];
  entities: { add: EntityRecord[]; update: EntityRecord[]; remove: string[] };
  accounts: { upsert: TypedAccount[]; remove: TypedAccount[] };
  intercompany: { add: IntercompanyRule[]; remove: string[] };
  rates: { base: string; quote: string; rate: string; asOf: string; source: string }[];
  settings: Partial<BooksSettings>;
}

/**
 * Compares a validated books document with the store and lists the changes.
 * Pure with respect to the store (reads only), so a refused apply changes
 * nothing. Refused: removing an account or entity that has entries,
 * changing the currency or time zone of an entity that has entries (its
 * booked amounts and posting dates would change meaning), and a rate that
 * differs from the stored rate of the same pair and date.
 */
export function planBooks(store: ReconStore, books: LoadedBooks): BooksPlan {
  const doc = books.document;
  const plan: BooksPlan = {
    changes: [],
    refusals: [],
    entities: { add: [], update: [], remove: [] },
    accounts: { upsert: [], remove: [] },
    intercompany: { add: [], remove: [] },
    rates: [],
    settings: {},
  };
  planEntities(store, doc, plan);
  planAccounts(store, doc, plan);
  planIntercompany(store, doc, plan);
  planRates(store, doc, plan);
  const wanted = booksSettings(books);
  for (const key of Object.keys(wanted) as (keyof BooksSettings)[]) {
    if (JSON.stringify(store.config.setting(key)) !== JSON.stringify(wanted[key])) {
      (plan.settings as Record<string, unknown>)[key] = wanted[key];
      plan.changes.push({ kind: 'setting_changed', key });
    }
  }
  return plan;
}

function planEntities(store: ReconStore, doc: LoadedBooks['document'], plan: BooksPlan): void {
  const existing = new Map(store.entities.entities().map((e) => [e.code, e]));
  doc.entities.forEach((e, i) => {
    const record: EntityRecord = { code: e.code, name: e.name, currency: e.currency, timeZone: e.time_zone };
    const old = existing.get(e.code);
    if (old === undefined) {
      plan.entities.add.push(record);
      plan.changes.push({ kind: 'entity_added', key: e.code });
      return;
    }
    if (old.name === record.name && old.currency === record.currency && old.timeZone === record.timeZone)
      return;
    const booked = store.entities.entityEntryCount(e.code);
    if (booked > 0 && old.currency !== record.currency)
      plan.refusals.push({
        code: 'BOOKS_ENTITY_HAS_ENTRIES',
        issue: {
          path: `entities.${i}.currency`,
          message: `${e.code} has ${booked} entries booked in ${old.currency}; its functional currency cannot change to ${record.currency}`,
        },
      });
    if (booked > 0 && old.timeZone !== record.timeZone)
      plan.refusals.push({
        code: 'BOOKS_ENTITY_HAS_ENTRIES',
        issue: {
          path: `entities.${i}.time_zone`,
          message: `${e.code} has ${booked} entries dated in ${old.timeZone}; its time zone cannot change to ${record.timeZone}`,
        },
      });
    plan.entities.update.push(record);
    plan.changes.push({ kind: 'entity_updated', key: e.code });
  });
  const wanted = new Set(doc.entities.map((e) => e.code));
  for (const code of existing.keys()) {
    if (wanted.has(code)) continue;
    const booked = store.entities.entityEntryCount(code);
    if (booked > 0)
      plan.refusals.push({
        code: 'BOOKS_ENTITY_HAS_ENTRIES',
        issue: {
          path: 'entities',
          message: `entity ${code} has ${booked} entries and cannot be removed: keep it in books.yaml`,
        },
      });
    plan.entities.remove.push(code);
    plan.changes.push({ kind: 'entity_removed', key: code });
  }
}

function planAccounts(store: ReconStore, doc: LoadedBooks['document'], plan: BooksPlan): void {
  const key = (entity: string, code: string) => `${entity} ${code}`;
  const existing = new Map(store.entities.typedAccounts().map((a) => [key(a.entity, a.code), a]));
  for (const a of doc.accounts) {
    const record: TypedAccount = {
      entity: a.entity,
      code: a.code,
      name: a.name,
      sensitivity: a.sensitivity,
      type: a.type,
    };
    const old = existing.get(key(a.entity, a.code));
    if (
      old !== undefined &&
      old.name === record.name &&
      old.sensitivity === record.sensitivity &&
      old.type === record.type
    )
      continue;
    plan.accounts.upsert.push(record);
    plan.changes.push({
      kind: old === undefined ? 'account_added' : 'account_updated',
      key: key(a.entity, a.code),
    });
  }
  const wanted = new Set(doc.accounts.map((a) => key(a.entity, a.code)));
  for (const [k, a] of existing) {
    if (wanted.has(k)) continue;
    const booked = store.entities.entryCount(a.entity, a.code);
    if (booked > 0)
      plan.refusals.push({
        code: 'BOOKS_ACCOUNT_HAS_ENTRIES',
        issue: {
          path: 'accounts',
          message: `account ${k} (${a.name}) has ${booked} entries and cannot be removed: keep it in books.yaml`,
        },
      });
    plan.accounts.remove.push(a);
    plan.changes.push({ kind: 'account_removed', key: k });
  }
}

function planIntercompany(store: ReconStore, doc: LoadedBooks['document'], plan: BooksPlan): void {
  const existing = new Map(store.config.intercompanyRules().map((r) => [r.name, r]));
  const wanted = doc.intercompany.map((r): IntercompanyRule => ({
    name: r.name,
    a: { entity: r.a.entity, accountCode: r.a.account },
    b: { entity: r.b.entity, accountCode: r.b.account },
  }));
  for (const r of wanted) {
    const old = existing.get(r.name);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(r)) continue;
    if (old !== undefined) plan.intercompany.remove.push(r.name);
    plan.intercompany.add.push(r);
    plan.changes.push({ kind: 'intercompany_added', key: r.name });
  }
  const names = new Set(wanted.map((r) => r.name));
  for (const name of existing.keys()) {
    if (names.has(name)) continue;
    plan.intercompany.remove.push(name);
    plan.changes.push({ kind: 'intercompany_removed', key: name });
  }
}

function planRates(store: ReconStore, doc: LoadedBooks['document'], plan: BooksPlan): void {
  doc.fx.rates.forEach((r, i) => {
    const stored = store.config.rateAt(r.base, r.quote, r.date);
    if (stored === undefined) {
      plan.rates.push({ base: r.base, quote: r.quote, rate: r.rate, asOf: r.date, source: r.source });
      plan.changes.push({ kind: 'rate_added', key: `${r.base}/${r.quote}@${r.date}` });
    } else if (!new Decimal(stored.rate).eq(r.rate)) {
      plan.refusals.push({
        code: 'BOOKS_RATE_CONFLICT',
        issue: {
          path: `fx.rates.${i}.rate`,
          message: `${r.base}/${r.quote} on ${r.date} is stored as ${stored.rate}; rates are never overwritten`,
        },
      });
    }
  });
}
