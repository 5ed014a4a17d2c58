import { FixedRateAdapter } from 'closegate-policy';
import { describe, expect, it } from 'vitest';
import type { MatchProposal } from '../../src/matcher/config.js';
import { UsdConverter } from '../../src/matcher/prepare.js';
import { Calendar } from '../../src/matcher/v2/calendar.js';
import { openOf, stillOpen } from '../../src/matcher/v2/context.js';
import { prepareLines, textOf, type TextContext, type V2Line } from '../../src/matcher/v2/line.js';
import { LinesByKey } from '../../src/matcher/v2/linesByKey.js';
import { V2Sink } from '../../src/matcher/v2/sink.js';
import { inLineOrder } from '../../src/recon/apply.js';
import { LoadedLines } from '../../src/recon/snapshot.js';
import { demoEngine } from '../helpers.js';
import { line, RATES } from './helpers.js';

/**
 * What keeps a million-line pass small (issue 22): each mechanism here
 * only saves memory, so a change that undid it would pass every other test.
 */
const text: TextContext = { invoicePatterns: [], boilerplate: new Set() };
const usd = (): UsdConverter => new UsdConverter(new FixedRateAdapter(RATES, { environment: 'test' }));

function lines(n: number) {
  const entries = Array.from({ length: n }, (_, i) =>
    line({ source: i % 2 === 0 ? 'gl' : 'bank', amount: `${10 + i}.00`, reference: `INV-${i}` }),
  );
  return prepareLines(entries, usd(), new Calendar([]));
}

describe('matcher v2 memory', () => {
  it('drops the text features of lines a rule took, keeps those of open and held lines', () => {
    const [taken, open, held] = lines(3);
    for (const l of [taken!, open!, held!]) textOf(l, text);
    taken!.taken = true;
    held!.held = { rule: 'r', with: [taken!.id] };
    expect(stillOpen([taken!, open!, held!])).toEqual([open]);
    expect(taken!.text).toBeUndefined();
    expect(open!.text).toBeDefined();
    expect(held!.text).toBeDefined();
  });

  it('lets lines that name no party and no invoice share one empty list', () => {
    const [a, b] = lines(2);
    const ta = textOf(a!, text);
    const tb = textOf(b!, text);
    expect(ta.party).toEqual([]);
    expect(ta.party).toBe(tb.party);
    expect(ta.invoices).toBe(tb.party);
    expect(Object.isFrozen(ta.party)).toBe(true);
  });

  it('hands back the same array when every line is open, a copy of the open ones otherwise', () => {
    const ls = lines(4);
    expect(openOf(ls)).toBe(ls);
    ls[2]!.taken = true;
    const open = openOf(ls);
    expect(open).not.toBe(ls);
    expect(open).toEqual([ls[0], ls[1], ls[3]]);
  });

  it('keys a line without an array until a second line shares the key, in the order added', () => {
    const [a, b, c] = lines(3);
    const index = new LinesByKey();
    index.add('k', b!);
    index.add('one', c!);
    index.add('k', a!);
    index.add('k', c!);
    const got = (key: string): V2Line[] => {
      const out = new Set<V2Line>();
      index.addTo(key, out);
      return [...out];
    };
    expect(got('k')).toEqual([b, a, c]);
    expect(got('one')).toEqual([c]);
    expect(got('none')).toEqual([]);
    const held = (index as unknown as { byKey: Map<string, unknown> }).byKey;
    expect(held.get('one')).toBe(c);
    expect(Array.isArray(held.get('k'))).toBe(true);
  });

  it('shares one rationale string per rule and wording, bounded', () => {
    const sink = new V2Sink(usd());
    const ls = lines(8);
    for (let i = 0; i < 8; i += 2) sink.emit('exact', 'r1', ls[i]!, [ls[i + 1]!], 1, 'same', false);
    expect(sink.proposals.map((p) => p.rationale)).toEqual(Array(4).fill('rule r1: same'));
    expect(sink.sharedWordings).toBe(1);
    sink.emit('exact', 'r2', ls[0]!, [ls[1]!], 1, 'same', false);
    sink.emit('exact', 'r1', ls[0]!, [ls[1]!], 1, 'other', false);
    expect(sink.sharedWordings).toBe(3);
    // a variance is worded per proposal (its amount differs), never shared
    sink.emit('fuzzy', 'r1', ls[2]!, [ls[3]!], 0.9, 'same', false, {
      amount: '1.00',
      currency: 'USD',
      reason: 'bank_fee',
    });
    expect(sink.sharedWordings).toBe(3);
    expect(sink.proposals.at(-1)!.rationale).toBe('rule r1: same; variance 1.00 USD (bank_fee)');
    // all-USD proposals share one frozen empty list of rates
    expect(sink.proposals[0]!.fx).toEqual([]);
    expect(sink.proposals[0]!.fx).toBe(sink.proposals[1]!.fx);
    expect(Object.isFrozen(sink.proposals[0]!.fx)).toBe(true);
  });
});

describe('recon pass memory', () => {
  it('loads every unmatched line in id order, whatever the page size', () => {
    const e = demoEngine();
    const want = e.context.store.db
      .prepare("SELECT id FROM entries WHERE state = 'unmatched' ORDER BY id")
      .pluck()
      .all() as number[];
    expect(want.length).toBeGreaterThan(20);
    for (const pageRows of [1, 7, want.length - 1, want.length, 4096]) {
      expect(LoadedLines.load(e.context, pageRows).entries.map((x) => x.id)).toEqual(want);
    }
    e.close();
  });

  it('orders proposals by their lowest line, ties in matcher order', () => {
    const p = (ids: number[], rule: string): MatchProposal =>
      ({ entryIds: ids, rule }) as unknown as MatchProposal;
    const ps = [p([9, 4], 'a'), p([2, 30], 'b'), p([7], 'c'), p([2, 5], 'd'), p([], 'e'), p([3], 'f')];
    expect(inLineOrder(ps).map((x) => x.rule)).toEqual(['b', 'd', 'f', 'a', 'c', 'e']);
  });
});
