import type { FxRateAdapter } from 'closegate-policy';
import type { Entry } from '../domain.js';
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
import { byDayThenId, prepareLine, UsdConverter, type Line } from './prepare.js';
import { ProposalSink } from './proposal.js';

interface Book {
  key: string;
  gl: Line[];
  other: Line[];
}

/**
 * The matcher: pure and deterministic. Lines are grouped into books by
 * (entity, account); in each book GL lines are matched against sub-ledger and
 * bank lines by the exact, fuzzy and many-to-one passes. GL lines of accounts
 * named by an intercompany rule are matched across entities instead. What is
 * left becomes an exception with a reason.
 */
export function runMatcher(
  entries: readonly Entry[],
  fx: FxRateAdapter,
  config: Partial<MatcherConfig> = {},
): MatchResult {
  const cfg: MatcherConfig = { ...DEFAULT_MATCHER_CONFIG, ...config };
  const usd = new UsdConverter(fx);
  const sink = new ProposalSink(usd);
  const lines = [...entries].sort((a, b) => a.id - b.id).map((e) => prepareLine(e, usd));
  const { books, icSides } = partition(lines, cfg);
  const exceptions: MatcherException[] = [];

  for (const book of books) {
    exactPass(book.gl, book.other, sink, false);
    fuzzyPass(book.gl, book.other, cfg, sink, false);
    manyToOnePass(book.gl, book.other, cfg, sink);
    manyToOnePass(book.other, book.gl, cfg, sink);
  }
  for (const [a, b] of icSides) {
    exactPass(a, b, sink, true);
    fuzzyPass(a, b, cfg, sink, true);
  }
  for (const book of books) {
    exceptions.push(...explainLeftovers(open(book.gl), book.other, cfg));
    exceptions.push(...explainLeftovers(open(book.other), book.gl, cfg));
  }
  for (const [a, b] of icSides) {
    exceptions.push(...explainLeftovers(open(a), b, cfg));
    exceptions.push(...explainLeftovers(open(b), a, cfg));
  }
  exceptions.sort((x, y) => x.entryId - y.entryId);
  const proposals = sink.proposals;
  return {
    proposals,
    exceptions,
    stats: {
      lines: lines.length,
      exact: proposals.filter((p) => p.type === 'exact').length,
      fuzzy: proposals.filter((p) => p.type === 'fuzzy').length,
      manyToOne: proposals.filter((p) => p.type === 'many_to_one').length,
      intercompany: proposals.filter((p) => p.intercompany).length,
      exceptions: exceptions.length,
    },
  };
}

function open(lines: readonly Line[]): Line[] {
  return lines.filter((l) => !l.taken);
}

/** Splits lines into (entity, account) books and intercompany rule sides, each in (day, id) order. */
function partition(
  lines: readonly Line[],
  cfg: MatcherConfig,
): { books: Book[]; icSides: [Line[], Line[]][] } {
  const icKey = (entity: string, account: string): string => `${entity}|${account}`;
  const icIndex = new Map<string, Line[]>();
  const icSides: [Line[], Line[]][] = cfg.intercompanyRules.map((rule) => {
    const a = icIndex.get(icKey(rule.a.entity, rule.a.accountCode)) ?? [];
    const b = icIndex.get(icKey(rule.b.entity, rule.b.accountCode)) ?? [];
    icIndex.set(icKey(rule.a.entity, rule.a.accountCode), a);
    icIndex.set(icKey(rule.b.entity, rule.b.accountCode), b);
    return [a, b];
  });
  const books = new Map<string, Book>();
  for (const l of lines) {
    const k = icKey(l.entry.entity, l.entry.accountCode);
    const ic = l.isGl ? icIndex.get(k) : undefined;
    if (ic !== undefined) {
      ic.push(l);
      continue;
    }
    let book = books.get(k);
    if (book === undefined) books.set(k, (book = { key: k, gl: [], other: [] }));
    (l.isGl ? book.gl : book.other).push(l);
  }
  const sorted = [...books.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  for (const b of sorted) {
    b.gl.sort(byDayThenId);
    b.other.sort(byDayThenId);
  }
  for (const [a, b] of icSides) {
    a.sort(byDayThenId);
    b.sort(byDayThenId);
  }
  return { books: sorted, icSides };
}
