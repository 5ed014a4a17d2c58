import fc from 'fast-check';
import { FixedRateAdapter } from 'closegate-policy';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCHING_RULES, parseMatchingRules, type Entry } from '../../src/index.js';
import { absBig, UsdConverter } from '../../src/matcher/prepare.js';
import type { MatchingRule, ReferenceTest } from '../../src/matcher/rules.js';
import { Calendar } from '../../src/matcher/v2/calendar.js';
import { calendarReach, inWindow, textAgrees, type PassContext } from '../../src/matcher/v2/context.js';
import { DayPool } from '../../src/matcher/v2/dayPool.js';
import { candidatesFor } from '../../src/matcher/v2/groups.js';
import { prepareLines, type TextContext, type V2Line } from '../../src/matcher/v2/line.js';
import { LinkIndex } from '../../src/matcher/v2/links.js';
import { V2Sink } from '../../src/matcher/v2/sink.js';
import { contained, referenceAgrees } from '../../src/matcher/v2/tests.js';
import { RATES } from './helpers.js';

const LINK_TESTS: readonly ReferenceTest[] = ['equal', 'contained', 'invoice'];

/**
 * The group pass's candidate list as it was first written: every line of the window tested,
 * the linked flag computed for each when the window is over-full, all sorted, then truncated.
 * candidatesFor (outward walk, LinkIndex) must return exactly this list, in this order.
 */
function byFullScan(
  t: V2Line,
  pool: readonly V2Line[],
  reach: number,
  c: PassContext,
  rankLinks = true,
): V2Line[] {
  const out: { p: V2Line; linked: boolean; gap: number }[] = [];
  const size = absBig(t.minor);
  const negative = t.minor < 0n;
  for (const p of pool) {
    if (p.day < t.day - reach || p.day > t.day + reach) continue;
    if (p.taken || p.held || p.minor === 0n) continue;
    const pv = c.intercompany ? -p.minor : p.minor;
    if (pv < 0n !== negative || absBig(pv) >= size) continue;
    if (!inWindow(t, p, c.rule) || !textAgrees(t, p, c, true)) continue;
    out.push({ p, linked: false, gap: Math.abs(p.day - t.day) });
  }
  if (rankLinks && c.rule.text.reference.length === 0 && out.length > c.groupCandidates)
    for (const x of out) x.linked = referenceAgrees(t, x.p, LINK_TESTS, c.rule, c.text);
  out.sort((a, b) => Number(b.linked) - Number(a.linked) || a.gap - b.gap || a.p.id - b.p.id);
  return out.slice(0, c.groupCandidates).map((x) => x.p);
}

// small vocabularies, so that references, document numbers, token runs and invoices collide often
const REFS = [
  '',
  'INV-1001',
  'inv 1001',
  '1001',
  'R5',
  'R5-1',
  'R-55x',
  'AB12',
  'ab 12',
  'CHK 004512',
  '4512',
  'PPD',
  'X9-12-77',
  '2026',
];
const WORDS = [
  'payment',
  'inv',
  '1001',
  'r5',
  '1',
  'ab',
  '12',
  'chk',
  '4512',
  'inv1001',
  'x9',
  '77',
  'thanks',
  '004512',
  'acme',
];
const PARTIES = ['', '', 'Acme Corp', 'Beta GmbH', 'acme'];

const lineArb = fc.record({
  source: fc.constantFrom<'gl' | 'bank'>('gl', 'bank'),
  day: fc.integer({ min: 0, max: 8 }),
  cents: fc.integer({ min: -3000, max: 30000 }),
  ref: fc.constantFrom(...REFS),
  words: fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }),
  party: fc.constantFrom(...PARTIES),
  state: fc.constantFrom<'open' | 'taken' | 'held'>('open', 'open', 'open', 'open', 'taken', 'held'),
});

function book(
  specs: readonly (typeof lineArb extends fc.Arbitrary<infer T> ? T : never)[],
  cal: Calendar,
): V2Line[] {
  const entries: Entry[] = specs.map((s, i) => ({
    id: i + 1,
    entity: 'US01',
    accountCode: '1010',
    source: s.source,
    postingDate: new Date(Date.UTC(2026, 2, 2) + s.day * 86_400_000).toISOString().slice(0, 10),
    currency: 'USD',
    amount: (s.cents / 100).toFixed(2),
    reference: s.ref,
    description: s.words.join(' '),
    counterparty: s.party,
    state: 'unmatched',
  }));
  const lines = prepareLines(
    entries,
    new UsdConverter(new FixedRateAdapter(RATES, { environment: 'test' })),
    cal,
  );
  specs.forEach((s, i) => {
    lines[i]!.taken = s.state === 'taken';
    lines[i]!.held = s.state === 'held' ? { rule: 'earlier', with: [] } : undefined;
  });
  return lines;
}

const GROUP_RULES: MatchingRule[] = [
  ...DEFAULT_MATCHING_RULES.rules.filter((r) => r.shape.kind !== 'one_to_one' && r.shape.kind !== 'net_zero'),
  ...parseMatchingRules({
    rules: [
      {
        name: 'calendar-group',
        sides: ['bank-gl'],
        amount: { test: 'equal' },
        date: { days: 4, unit: 'calendar' },
        text: { reference: [], counterparty: 'agree' },
        shape: { kind: 'one_to_many', maxGroupSize: 4 },
      },
    ],
  }).rules,
];

describe('matcher v2: group candidates', () => {
  const rules = DEFAULT_MATCHING_RULES;
  const text: TextContext = {
    invoicePatterns: rules.invoicePatterns.map((p) => new RegExp(p, 'gu')),
    boilerplate: new Set(rules.boilerplate.map((w) => w.toLowerCase())),
  };
  const cal = new Calendar(['2026-03-10']);

  it('the outward walk with the link index yields the same candidates, in the same order, as scanning and sorting the window', () => {
    let reordered = 0;
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 40, maxLength: 120 }),
        fc.constantFrom(...GROUP_RULES),
        fc.constantFrom(4, 5, 24),
        fc.boolean(),
        (specs, rule, groupCandidates, intercompany) => {
          const lines = book(specs, cal);
          const c: PassContext = {
            rule,
            text,
            cal,
            sink: new V2Sink(new UsdConverter(new FixedRateAdapter(RATES, { environment: 'test' }))),
            intercompany,
            groupCandidates,
          };
          const reach = calendarReach(rule, cal);
          const pool = lines
            .filter((l) => l.entry.source === 'bank')
            .sort((x, y) => x.day - y.day || x.id - y.id);
          const links = new LinkIndex(pool, text);
          // the group pass's form of the pool: day, id and amount read from flat arrays
          const dayPool = new DayPool(pool, intercompany);
          for (const t of lines.filter((l) => l.entry.source === 'gl')) {
            const want = byFullScan(t, pool, reach, c).map((l) => l.id);
            const got = candidatesFor(t, dayPool, reach, c, () => links).map((l) => l.id);
            expect(got).toEqual(want);
            if (
              want.join() !==
              byFullScan(t, pool, reach, c, false)
                .map((l) => l.id)
                .join()
            )
              reordered++;
          }
        },
      ),
      { numRuns: 400, seed: 20261206 },
    );
    // the generated books do reach the case that matters: an over-full window whose linked parts move up
    expect(reordered).toBeGreaterThan(20);
  });

  it('the link index misses no line that shares a reference with the target (equal, contained, invoice)', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 10, maxLength: 60 }), (specs) => {
        const lines = book(specs, cal);
        const links = new LinkIndex(lines, text);
        const rule = rules.rules[0]!;
        for (const t of lines) {
          const found = new Set(links.candidates(t));
          for (const p of lines)
            if (referenceAgrees(t, p, LINK_TESTS, rule, text))
              expect(found.has(p), `${t.entry.reference} / ${p.entry.reference}`).toBe(true);
        }
      }),
      { numRuns: 300, seed: 61220262 },
    );
  });

  it('a reference spelled over more than three narrative tokens is still found (KeyIndex would miss it)', () => {
    const lines = book(
      [
        { source: 'gl', day: 0, cents: 5000, ref: 'X9-12-77', words: [], party: '', state: 'open' },
        {
          source: 'bank',
          day: 0,
          cents: 1000,
          ref: '',
          words: ['paid', 'x', '9', '12', '77'],
          party: '',
          state: 'open',
        },
      ],
      cal,
    );
    const [t, p] = lines as [V2Line, V2Line];
    expect(t.ref).toBe('x91277');
    expect(contained(t.ref, p, text)).toBe(true);
    expect(new LinkIndex([p], text).candidates(t)).toEqual([p]);
  });

  it('walks the window nearest day first, by id within one distance', () => {
    const days = [0, 0, 1, 3, 4, 4, 5, 6, 6, 8, 9];
    const sorted = days
      .map((day, i) => ({ day, id: 100 - i }))
      .sort((x, y) => x.day - y.day || x.id - y.id) as unknown as V2Line[];
    const seen: string[] = [];
    const pool = new DayPool(sorted, false);
    pool.walk(5, 2, (i) => {
      seen.push(`${sorted[i]!.day}:${sorted[i]!.id}`);
      return true;
    });
    expect(seen).toEqual(['5:94', '6:92', '6:93', '4:95', '4:96', '3:97']);
    const few: number[] = [];
    pool.walk(5, 9, (i) => few.push(sorted[i]!.id) < 3);
    expect(few).toEqual([94, 92, 93]);
  });
});
