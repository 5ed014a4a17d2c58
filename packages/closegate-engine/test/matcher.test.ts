import { FixedRateAdapter } from 'closegate-policy';
import { describe, expect, it } from 'vitest';
import {
  DEMO_FX_RATES,
  DEMO_INTERCOMPANY_RULES,
  demoEntries,
  labelledCases,
  runMatcher,
  scoreCases,
  type Entry,
} from '../src/index.js';

const fx = new FixedRateAdapter(DEMO_FX_RATES, { environment: 'test' });
const demo = (): Entry[] => demoEntries().map((e, i) => ({ ...e, id: i + 1, state: 'unmatched' as const }));

describe('matcher', () => {
  it('reaches macro-F1 >= 0.95 on the labelled fixtures (>= 100 cases, all four classes, multi-currency and date drift)', () => {
    const cases = labelledCases();
    expect(cases.length).toBeGreaterThanOrEqual(120);
    for (const label of ['exact', 'fuzzy', 'many_to_one', 'exception'])
      expect(cases.some((c) => c.label === label)).toBe(true);
    expect(cases.some((c) => c.tags.includes('multi-currency'))).toBe(true);
    expect(cases.some((c) => c.tags.includes('date-drift'))).toBe(true);
    const report = scoreCases(cases);
    console.log(
      `matcher macro-F1 ${report.macroF1.toFixed(4)} on ${report.cases} cases (${report.correct} correct); per class: ` +
        Object.entries(report.perClass)
          .map(([k, v]) => `${k} ${v.f1.toFixed(3)}`)
          .join(', '),
    );
    expect(report.macroF1).toBeGreaterThanOrEqual(0.95);
  });

  it('is deterministic: the same lines in any order give the same proposals and exceptions', () => {
    const lines = demo();
    const a = runMatcher(lines, fx, { intercompanyRules: DEMO_INTERCOMPANY_RULES });
    const shuffled = [...lines].reverse();
    const b = runMatcher(shuffled, fx, { intercompanyRules: DEMO_INTERCOMPANY_RULES });
    expect(b).toEqual(a);
  });

  it('never proposes a line twice and explains every line it leaves', () => {
    const lines = demo();
    const r = runMatcher(lines, fx, { intercompanyRules: DEMO_INTERCOMPANY_RULES });
    const used = r.proposals.flatMap((p) => p.entryIds);
    expect(new Set(used).size).toBe(used.length);
    expect(used.length + r.exceptions.length).toBe(lines.length);
  });

  it('matches an intercompany pair across currencies through USD, and a near-miss amount not at all', () => {
    const lines = demo();
    const r = runMatcher(lines, fx, { intercompanyRules: DEMO_INTERCOMPANY_RULES });
    const ic = r.proposals.find((p) => p.intercompany)!;
    expect(ic).toMatchObject({ type: 'fuzzy', amountUsd: '6500.00' });
    expect(ic.fx.map((f) => f.base)).toEqual(['JPY']);
    const inv4400 = lines.filter((l) => l.reference === 'INV-4400').map((l) => l.id);
    expect(r.exceptions.filter((x) => inv4400.includes(x.entryId)).map((x) => x.reasonCode)).toEqual([
      'AMOUNT_MISMATCH',
      'AMOUNT_MISMATCH',
    ]);
  });

  it('amounts are compared exactly (no float drift): 1000.10 + 2000.20 parts match a 3000.30 line', () => {
    const base = {
      entity: 'US01',
      accountCode: '1010',
      currency: 'USD',
      description: '',
      counterparty: '',
      state: 'unmatched' as const,
    };
    const lines: Entry[] = [
      { ...base, id: 1, source: 'gl', postingDate: '2026-03-02', amount: '3000.30', reference: 'S' },
      { ...base, id: 2, source: 'bank', postingDate: '2026-03-02', amount: '1000.10', reference: 'S-1' },
      { ...base, id: 3, source: 'bank', postingDate: '2026-03-02', amount: '2000.20', reference: 'S-2' },
    ];
    const r = runMatcher(lines, fx);
    expect(r.proposals).toHaveLength(1);
    expect(r.proposals[0]).toMatchObject({ type: 'many_to_one', entryIds: [1, 2, 3] });
  });
});
