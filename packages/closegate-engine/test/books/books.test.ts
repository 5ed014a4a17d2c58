import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  applyBooks,
  booksCloseWindow,
  booksView,
  BooksError,
  loadBooks,
  loadMatchingRules,
  storedMatchingRules,
} from '../../src/books/index.js';
import { DEFAULT_MATCHING_RULES } from '../../src/matcher/rules.js';
import { BOOKS_YAML, emptyEngine, ENTRIES_HEADER, tables } from './helpers.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples/books.yaml');

function refusal(fn: () => unknown): BooksError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BooksError);
    return err as BooksError;
  }
  throw new Error('expected a BooksError, nothing was thrown');
}

describe('books.yaml validation', () => {
  it('the shipped example validates, with its matching rules', () => {
    const books = loadBooks(fs.readFileSync(EXAMPLE, 'utf8'));
    expect(books.document.entities.map((e) => e.code)).toEqual(['US01', 'DE01', 'JP01']);
    expect(books.document.matching?.rules.map((r) => r.name)).toContain('reference-exact');
    expect(books.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the key path of every problem, not only the first', () => {
    const bad = BOOKS_YAML.replace("entity: 'DE01', code: '1010'", "entity: 'FR01', code: '1010'")
      .replace("rate: '1.08'", 'rate: 1.08')
      .replace("time_zone: 'Europe/Berlin'", "time_zone: 'Mars/Olympus'");
    const err = refusal(() => loadBooks(bad));
    expect(err.code).toBe('BOOKS_INVALID');
    const paths = err.issues.map((i) => i.path);
    expect(paths).toContain('entities.1.time_zone');
    expect(paths).toContain('fx.rates.0.rate');
    expect(err.issues.find((i) => i.path === 'fx.rates.0.rate')!.message).toMatch(/quoted string/);
    // cross-references are checked once the schema passes
    const unknownEntity = refusal(() =>
      loadBooks(BOOKS_YAML.replace("entity: 'DE01', code: '1010'", "entity: 'FR01', code: '1010'")),
    );
    expect(unknownEntity.issues).toEqual([{ path: 'accounts.2.entity', message: 'unknown entity FR01' }]);
    expect(unknownEntity.message).toMatch(/accounts\.2\.entity: unknown entity FR01/);
  });

  it('refuses unknown keys, YAML numbers for codes, float-ish and non-positive rates, bad matching rules', () => {
    expect(refusal(() => loadBooks(`${BOOKS_YAML}colour: blue\n`)).issues[0]!.message).toMatch(/colour/);
    expect(refusal(() => loadBooks(BOOKS_YAML.replace("code: '2000'", 'code: 2000'))).path).toBe(
      'accounts.1.code',
    );
    for (const rate of ["'1.2e-3'", "'0'", "'-1.08'", "'abc'"])
      expect(refusal(() => loadBooks(BOOKS_YAML.replace("'1.08'", rate))).path).toBe('fx.rates.0.rate');
    const badRule = `${BOOKS_YAML}matching:\n  rules:\n    - { name: 'r1', sides: ['bank-gl'], amount: { test: 'nearly' } }\n`;
    expect(refusal(() => loadBooks(badRule)).path).toMatch(/^matching\.rules\.0\.amount/);
    expect(refusal(() => loadBooks('version: 1\nentities: [\n')).path).toBe('');
    expect(refusal(() => loadBooks('- a\n- b\n')).message).toMatch(/expected a mapping/);
  });
});

describe('books.yaml parsing, adversarially', () => {
  const base = BOOKS_YAML;
  it('refuses alias bombs, unknown tags, duplicate keys, __proto__ keys and oversized files', () => {
    const cases: [string, RegExp][] = [
      [`a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n${base}`, /Alias/],
      [
        base.replace("name: 'Test books'", "name: !!js/function 'function () { return 1 }'"),
        /Unresolved tag/,
      ],
      [`${base}version: 1\n`, /unique/],
      [`__proto__: { polluted: true }\n${base}`, /__proto__/],
      [base.replace("type: 'asset' }", "type: 'asset', __proto__: { sensitivity: 'normal' } }"), /__proto__/],
      [`${base}# ${'x'.repeat(9 * 1024 * 1024)}\n`, /larger than/],
    ];
    for (const [text, why] of cases) {
      const err = refusal(() => loadBooks(text));
      expect(err.code).toBe('BOOKS_INVALID');
      expect(err.message).toMatch(why);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('books apply', () => {
  it('init from books.yaml, show, and an idempotent re-apply (no change, no event)', () => {
    const e = emptyEngine();
    const books = loadBooks(BOOKS_YAML);
    const first = applyBooks(e.context, 'human:controller', books);
    expect(first.status).toBe('applied');
    expect(first.changes.map((c) => c.kind)).toEqual(
      expect.arrayContaining(['entity_added', 'account_added', 'rate_added', 'setting_changed']),
    );
    const events = e.queries.auditQuery({ limit: 100 });
    expect(events.map((x) => x.type)).toEqual(['BOOKS_APPLIED']);
    expect(events[0]!.actor).toBe('human:controller');
    const before = tables(e);
    const again = applyBooks(e.context, 'human:controller', loadBooks(`# a comment only\n${BOOKS_YAML}`));
    expect(again).toMatchObject({ status: 'unchanged', changes: [] });
    expect(again.auditSeq).toBeUndefined();
    expect(tables(e)).toEqual(before);

    const view = booksView(e.context);
    expect(view.entities.map((x) => [x.code, x.currency, x.timeZone])).toEqual([
      ['DE01', 'EUR', 'Europe/Berlin'],
      ['US01', 'USD', 'America/New_York'],
    ]);
    expect(view.accounts.find((a) => a.code === '2000')).toMatchObject({ type: 'liability', entries: 0 });
    expect(view.fx).toEqual({
      maxStalenessDays: 5,
      coverage: [{ base: 'EUR', quote: 'USD', first: '2026-03-02', last: '2026-03-02', count: 1 }],
    });
    expect(view.matching.source).toBe('default');
    expect(view.entities[0]!.closeCalendar).toEqual({ opens_day: 1, closes_day: 5, closes_time: '18:00' });
    expect(booksCloseWindow(e.context.store, 'US01', '2026-12')).toEqual({
      entity: 'US01',
      period: '2026-12',
      opensLocal: '2027-01-01T00:00',
      closesLocal: '2027-01-05T18:00',
    });
    applyBooks(
      e.context,
      'human:controller',
      loadBooks(
        BOOKS_YAML.replace(
          "time_zone: 'Europe/Berlin' }",
          "time_zone: 'Europe/Berlin', close_calendar: { opens_day: 2, closes_day: 7, closes_time: '17:30' } }",
        ),
      ),
    );
    expect(booksCloseWindow(e.context.store, 'DE01', '2026-03')).toMatchObject({
      opensLocal: '2026-04-02T00:00',
      closesLocal: '2026-04-07T17:30',
    });
    e.close();
  });

  it('updates and removes what the file changes; the matching rules are stored for the engine', () => {
    const e = emptyEngine();
    applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML));
    expect(storedMatchingRules(e.context.store)).toBeUndefined();
    expect(loadMatchingRules(e.context.store)).toEqual(DEFAULT_MATCHING_RULES);
    const changed = BOOKS_YAML.replace("name: 'Payables'", "name: 'Trade payables'")
      .replace("  - { entity: 'DE01', code: '1010', name: 'Bank EUR', type: 'asset' }\n", '')
      .concat(
        "matching:\n  rules:\n    - { name: 'ref', sides: ['bank-gl'], amount: { test: 'equal' }, text: { reference: ['equal'] } }\n",
      );
    const r = applyBooks(e.context, 'human:controller', loadBooks(changed));
    expect(r.changes).toEqual(
      expect.arrayContaining([
        { kind: 'account_updated', key: 'US01 2000' },
        { kind: 'account_removed', key: 'DE01 1010' },
        { kind: 'setting_changed', key: 'matching_rules' },
      ]),
    );
    expect(e.context.store.entities.accounts().map((a) => `${a.entity} ${a.code}`)).toEqual([
      'US01 1010',
      'US01 2000',
    ]);
    expect(loadMatchingRules(e.context.store).rules.map((x) => x.name)).toEqual(['ref']);
    expect(e.queries.auditQuery({ type: 'BOOKS_APPLIED', limit: 10 })).toHaveLength(2);
    e.close();
  });

  it('refuses to remove an account with entries or change a booked entity currency; nothing changes', () => {
    const e = emptyEngine();
    applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML));
    e.operations.importCsv({
      actor: 'human:controller',
      csv: `${ENTRIES_HEADER}\ngl,US01,2000,2026-03-03,-10.00,USD,B-1,bill,\n`,
    });
    const before = tables(e);
    const removed = refusal(() =>
      applyBooks(
        e.context,
        'human:controller',
        loadBooks(
          BOOKS_YAML.replace(
            "  - { entity: 'US01', code: '2000', name: 'Payables', type: 'liability' }\n",
            '',
          ),
        ),
      ),
    );
    expect(removed.code).toBe('BOOKS_ACCOUNT_HAS_ENTRIES');
    expect(removed.message).toMatch(/account US01 2000 \(Payables\) has 1 entries and cannot be removed/);
    const recurrency = refusal(() =>
      applyBooks(
        e.context,
        'human:controller',
        loadBooks(
          BOOKS_YAML.replace("name: 'Test Inc', currency: 'USD'", "name: 'Test Inc', currency: 'CAD'"),
        ),
      ),
    );
    expect(recurrency.code).toBe('BOOKS_ENTITY_HAS_ENTRIES');
    expect(recurrency.path).toBe('entities.0.currency');
    const rate = refusal(() =>
      applyBooks(e.context, 'human:controller', loadBooks(BOOKS_YAML.replace("'1.08'", "'1.09'"))),
    );
    expect(rate).toMatchObject({ code: 'BOOKS_RATE_CONFLICT', path: 'fx.rates.0.rate' });
    expect(tables(e)).toEqual(before);
    e.close();
  });

  it('refuses an llm actor, and a materiality reference the policy does not back', () => {
    const e = emptyEngine();
    const books = loadBooks(BOOKS_YAML);
    expect(refusal(() => applyBooks(e.context, 'llm:agent', books)).code).toBe('BOOKS_ACTOR_REFUSED');
    // the example policy has a JP01 override in JPY, none for DE01
    const noOverride = refusal(() =>
      applyBooks(
        e.context,
        'human:controller',
        loadBooks(`${BOOKS_YAML}materiality:\n  overrides_from_policy: ['DE01']\n`),
      ),
    );
    expect(noOverride.path).toBe('materiality.overrides_from_policy.0');
    expect(noOverride.message).toMatch(/no entity_materiality_overrides\.DE01/);
    expect(e.isEmpty()).toBe(true);
    expect(e.context.store.audit.count()).toBe(0);
    e.close();
  });
});
