import type { FxRateAdapter } from 'closegate-policy';
import type { Entry } from '../../domain.js';
import {
  DEFAULT_MATCHER_CONFIG,
  type MatchResult,
  type MatcherConfig,
  type MatcherException,
} from '../config.js';
import { UsdConverter } from '../prepare.js';
import { DEFAULT_MATCHING_RULES, type MatchingRule, type MatchingRules } from '../rules.js';
import { Calendar } from './calendar.js';
import { stillOpen, type PassContext } from './context.js';
import { explainSide } from './explain.js';
import { groupPass } from './groups.js';
import { prepareLines, type TextContext, type V2Line } from './line.js';
import { fold } from './normalize.js';
import { keyGroupPass } from './manyToMany.js';
import { netZeroPass } from './netZero.js';
import { oneToOnePass } from './oneToOne.js';
import { V2Sink } from './sink.js';

interface Book {
  key: string;
  gl: readonly V2Line[];
  bank: readonly V2Line[];
  subledger: readonly V2Line[];
}

interface IcPair {
  a: readonly V2Line[];
  b: readonly V2Line[];
}

/**
 * Matcher v2: pure and deterministic. Lines are grouped into books by
 * (entity, account); GL lines of accounts named by an intercompany rule are
 * matched across entities instead. The matching rules run in order; under
 * each rule a line is matched only when its counterpart (or group) is the one
 * and only candidate; ambiguity is never resolved by the machine. A line
 * whose FX rate is missing or stale is left as an FX_RATE_MISSING exception
 * (the run goes on). Whatever is left gets a reason that is true.
 */
export function runMatcherV2(
  entries: readonly Entry[],
  fx: FxRateAdapter,
  config: Partial<MatcherConfig> = {},
): MatchResult {
  const cfg: MatcherConfig = { ...DEFAULT_MATCHER_CONFIG, ...config };
  const rules: MatchingRules = cfg.rules ?? DEFAULT_MATCHING_RULES;
  const usd = new UsdConverter(fx);
  const cal = new Calendar(rules.holidays);
  const text: TextContext = {
    invoicePatterns: rules.invoicePatterns.map((p) => new RegExp(p, 'gu')),
    // folded as the tokens they are compared with are (case, width, small kana)
    boilerplate: new Set(rules.boilerplate.map((w) => fold(w))),
  };
  const sink = new V2Sink(usd);
  // a recon pass loads its lines in id order: no copy of two million references to sort then
  const sorted = inIdOrder(entries) ? entries : [...entries].sort((a, b) => a.id - b.id);
  const lines = prepareLines(sorted, usd, cal, text.boilerplate);
  const { books, ic } = partition(lines, cfg);
  // the passes work on copies they may shrink; the explanation needs every line of each side
  const open: Book[] = books.map((b) => ({ ...b }));
  const openIc: IcPair[] = ic.map((p) => ({ ...p }));
  for (const rule of rules.rules) {
    const c: PassContext = {
      rule,
      text,
      cal,
      sink,
      intercompany: false,
      groupCandidates: rules.maxGroupCandidates,
    };
    // a side netted under this rule is not netted again (see runRule), kept apart per intercompany flag
    const nettedInBooks = new Set<readonly V2Line[]>();
    const nettedAcrossEntities = new Set<readonly V2Line[]>();
    for (const sides of rule.sides) {
      if (sides === 'intercompany') {
        for (const pair of openIc)
          runRule(pair.a, pair.b, { ...c, intercompany: true }, nettedAcrossEntities);
        continue;
      }
      for (const book of open)
        runRule(sides === 'bank-gl' ? book.bank : book.subledger, book.gl, c, nettedInBooks);
    }
    // later rules see only what is still open: far fewer lines once the strong rules have run
    for (const book of open) {
      book.gl = stillOpen(book.gl);
      book.bank = stillOpen(book.bank);
      book.subledger = stillOpen(book.subledger);
    }
    for (const pair of openIc) {
      pair.a = stillOpen(pair.a);
      pair.b = stillOpen(pair.b);
    }
  }
  const exceptions: MatcherException[] = [];
  const all = rules.rules;
  const applies = (s: string): MatchingRule[] => {
    const r = all.filter((x) => x.sides.includes(s as never));
    return r.length > 0 ? r : all;
  };
  for (const book of books) {
    const others = [...book.bank, ...book.subledger].sort((a, b) => a.id - b.id);
    exceptions.push(...explainSide(book.gl, others, applies('bank-gl'), text, false));
    exceptions.push(...explainSide(book.bank, book.gl, applies('bank-gl'), text, false));
    exceptions.push(...explainSide(book.subledger, book.gl, applies('subledger-gl'), text, false));
  }
  for (const pair of ic) {
    exceptions.push(...explainSide(pair.a, pair.b, applies('intercompany'), text, true));
    exceptions.push(...explainSide(pair.b, pair.a, applies('intercompany'), text, true));
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

function inIdOrder(entries: readonly Entry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]!.id > entries[i]!.id) return false;
  return true;
}

/**
 * One rule over one pair of sides, by its shape. `netted`: the sides a net-zero rule has
 * already run on (the GL side of a book is the right side of both bank-gl and subledger-gl).
 * Netting a side again under the same rule finds nothing: it only touches that side's lines,
 * and a reversal it left open had no original then, so it has none among fewer open lines now.
 */
function runRule(
  left: readonly V2Line[],
  right: readonly V2Line[],
  c: PassContext,
  netted: Set<readonly V2Line[]>,
): void {
  if (left.length === 0 && right.length === 0) return;
  switch (c.rule.shape.kind) {
    case 'one_to_one':
      oneToOnePass(left, right, c);
      return;
    case 'one_to_many':
      groupPass(left, right, true, c);
      return;
    case 'many_to_one':
      groupPass(right, left, false, c);
      return;
    case 'many_to_many':
      groupPass(right, left, false, c);
      groupPass(left, right, true, c);
      keyGroupPass(left, right, c);
      return;
    case 'net_zero':
      for (const side of [left, right]) {
        if (netted.has(side)) continue;
        netted.add(side);
        netZeroPass(side, c);
      }
      return;
  }
}

function partition(lines: readonly V2Line[], cfg: MatcherConfig): { books: Book[]; ic: IcPair[] } {
  const key = (entity: string, account: string): string => `${entity}|${account}`;
  const icSide = new Map<string, V2Line[]>();
  const ic: IcPair[] = cfg.intercompanyRules.map((rule) => {
    const ka = key(rule.a.entity, rule.a.accountCode);
    const kb = key(rule.b.entity, rule.b.accountCode);
    const a = icSide.get(ka) ?? [];
    const b = icSide.get(kb) ?? [];
    icSide.set(ka, a);
    icSide.set(kb, b);
    return { a, b };
  });
  const books = new Map<string, { key: string; gl: V2Line[]; bank: V2Line[]; subledger: V2Line[] }>();
  // most lines share a handful of (entity, account) keys: skip building the key string per line
  let lastEntity: string | undefined;
  let lastAccount: string | undefined;
  let k = '';
  for (const l of lines) {
    const e = l.entry;
    if (e.entity !== lastEntity || e.accountCode !== lastAccount) {
      lastEntity = e.entity;
      lastAccount = e.accountCode;
      k = key(e.entity, e.accountCode);
    }
    const side = e.source === 'gl' ? icSide.get(k) : undefined;
    if (side !== undefined) {
      side.push(l);
      continue;
    }
    let book = books.get(k);
    if (book === undefined) books.set(k, (book = { key: k, gl: [], bank: [], subledger: [] }));
    (e.source === 'gl' ? book.gl : e.source === 'bank' ? book.bank : book.subledger).push(l);
  }
  const sortedBooks = [...books.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return { books: sortedBooks, ic };
}
