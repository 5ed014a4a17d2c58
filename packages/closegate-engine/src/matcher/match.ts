import type { FxRateAdapter } from 'closegate-policy';
import type { Entry } from '../domain.js';
import { Columns } from './columns.js';
import {
  DEFAULT_MATCHER_CONFIG,
  type MatchResult,
  type MatcherConfig,
  type MatcherException,
} from './config.js';
import { exactPass } from './exact.js';
import { explainLeftovers } from './exceptions.js';
import { fuzzyPass } from './fuzzy.js';
import { manyToOnePass } from './manyToOne.js';
import { UsdConverter, type Line } from './prepare.js';
import { ProposalSink } from './proposal.js';
import { runMatcherV2 } from './v2/run.js';

/** One side of a book: its positions in (day, id) order, and after the exact pass its open lines. */
interface Side {
  positions: number[];
  open: Line[];
}

interface Book {
  key: string;
  gl: Side;
  other: Side;
}

/**
 * The matcher: v2 (ordered rules, precision first; see v2/run.ts).
 * `runMatcherV1` is the previous matcher, kept for the benchmark's side-by-side figures.
 */
export function runMatcher(
  entries: readonly Entry[],
  fx: FxRateAdapter,
  config: Partial<MatcherConfig> = {},
): MatchResult {
  return runMatcherV2(entries, fx, config);
}

/**
 * Matcher v1: pure and deterministic. Lines are grouped into books by
 * (entity, account); in each book GL lines are matched against sub-ledger and
 * bank lines by the exact, fuzzy and many-to-one passes. GL lines of accounts
 * named by an intercompany rule are matched across entities instead. What is
 * left becomes an exception with a reason.
 */
export function runMatcherV1(
  entries: readonly Entry[],
  fx: FxRateAdapter,
  config: Partial<MatcherConfig> = {},
): MatchResult {
  const cfg: MatcherConfig = { ...DEFAULT_MATCHER_CONFIG, ...config };
  const usd = new UsdConverter(fx);
  const sink = new ProposalSink(usd);
  const cols = new Columns(entries, usd);
  const { books, icSides } = partition(cols, cfg);
  const exceptions: MatcherException[] = [];

  for (const book of books) {
    exactPass(cols, book.gl.positions, book.other.positions, sink, false);
    openLines(cols, book.gl, book.other);
    fuzzyPass(book.gl.open, book.other.open, cfg, sink, false);
    manyToOnePass(book.gl.open, book.other.open, cfg, sink);
    manyToOnePass(book.other.open, book.gl.open, cfg, sink);
  }
  for (const [a, b] of icSides) {
    exactPass(cols, a.positions, b.positions, sink, true);
    openLines(cols, a, b);
    fuzzyPass(a.open, b.open, cfg, sink, true);
  }
  for (const book of books) {
    exceptions.push(...explain(book.gl, book.other, cfg));
    exceptions.push(...explain(book.other, book.gl, cfg));
  }
  for (const [a, b] of icSides) {
    exceptions.push(...explain(a, b, cfg));
    exceptions.push(...explain(b, a, cfg));
  }
  exceptions.sort((x, y) => x.entryId - y.entryId);
  const proposals = sink.proposals;
  return {
    proposals,
    exceptions,
    stats: {
      lines: cols.length,
      exact: proposals.filter((p) => p.type === 'exact').length,
      fuzzy: proposals.filter((p) => p.type === 'fuzzy').length,
      manyToOne: proposals.filter((p) => p.type === 'many_to_one').length,
      intercompany: proposals.filter((p) => p.intercompany).length,
      exceptions: exceptions.length,
    },
  };
}

function openLines(cols: Columns, ...sides: Side[]): void {
  for (const s of sides) s.open = cols.openLines(s.positions);
}

/** Exceptions for `side`'s lines still open, against the other side (whose size says whether it exists at all). */
function explain(side: Side, other: Side, cfg: MatcherConfig): MatcherException[] {
  return explainLeftovers(
    side.open.filter((l) => !l.taken),
    other.open,
    other.positions.length,
    cfg,
  );
}

/** Splits positions into (entity, account) books and intercompany rule sides, each in (day, id) order. */
function partition(cols: Columns, cfg: MatcherConfig): { books: Book[]; icSides: [Side, Side][] } {
  const icKey = (entity: string, account: string): string => `${entity}|${account}`;
  const newSide = (): Side => ({ positions: [], open: [] });
  const icIndex = new Map<string, Side>();
  const icSides: [Side, Side][] = cfg.intercompanyRules.map((rule) => {
    const a = icIndex.get(icKey(rule.a.entity, rule.a.accountCode)) ?? newSide();
    const b = icIndex.get(icKey(rule.b.entity, rule.b.accountCode)) ?? newSide();
    icIndex.set(icKey(rule.a.entity, rule.a.accountCode), a);
    icIndex.set(icKey(rule.b.entity, rule.b.accountCode), b);
    return [a, b];
  });
  // entity -> account -> book, so no key string is built per line; a new
  // (entity, account) still goes through its key, like any pair spelling the same key
  const books = new Map<string, Map<string, Book>>();
  const byKey = new Map<string, Book>();
  for (let p = 0; p < cols.length; p++) {
    const { entity, accountCode } = cols.entries[p]!;
    const isGl = cols.isGl[p] === 1;
    const ic = isGl && icIndex.size > 0 ? icIndex.get(icKey(entity, accountCode)) : undefined;
    if (ic !== undefined) {
      ic.positions.push(p);
      continue;
    }
    let byAccount = books.get(entity);
    if (byAccount === undefined) books.set(entity, (byAccount = new Map()));
    let book = byAccount.get(accountCode);
    if (book === undefined) {
      const key = icKey(entity, accountCode);
      book = byKey.get(key);
      if (book === undefined) byKey.set(key, (book = { key, gl: newSide(), other: newSide() }));
      byAccount.set(accountCode, book);
    }
    (isGl ? book.gl : book.other).positions.push(p);
  }
  const sorted = [...byKey.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  for (const b of sorted) {
    cols.sortByDayThenId(b.gl.positions);
    cols.sortByDayThenId(b.other.positions);
  }
  for (const [a, b] of icSides) {
    cols.sortByDayThenId(a.positions);
    cols.sortByDayThenId(b.positions);
  }
  return { books: sorted, icSides };
}
