import { describe, expect, it } from 'vitest';
import { heldOutCases, scoreCases, tuningCases, type LabelledCase } from '../../src/index.js';
import { runAccuracy } from '../../src/eval/accuracy/run.js';

describe('labelled sets and the accuracy report', () => {
  it('tuning and held-out sets: 300+ cases, all four classes, disjoint wordings and counterparties', () => {
    const tuning = tuningCases();
    const heldOut = heldOutCases();
    expect(tuning.length + heldOut.length).toBeGreaterThanOrEqual(300);
    for (const set of [tuning, heldOut])
      for (const label of ['exact', 'fuzzy', 'many_to_one', 'exception'])
        expect(set.some((c) => c.label === label)).toBe(true);
    const partiesOf = (cases: LabelledCase[]) =>
      new Set(cases.flatMap((c) => c.entries.map((e) => e.counterparty)).filter((p) => p !== ''));
    const shared = [...partiesOf(tuning)].filter((p) => partiesOf(heldOut).has(p));
    expect(shared).toEqual([]);
    // the sets are generated from a seed: the same on every run
    expect(JSON.stringify(tuningCases())).toBe(JSON.stringify(tuning));
  });

  it('pair precision counts every wrong pair and lists the false match', () => {
    const [c] = tuningCases().filter((x) => x.id.startsWith('tuning-exact-us-'));
    // claim the true pair is something else: the matcher's correct pair now counts as a false match
    const wrong: LabelledCase = { ...c!, truthGroups: [[1, 3]], expectedGroup: [1, 3] };
    const r = scoreCases([wrong]);
    expect(r.pairs.wrong).toBe(1);
    expect(r.pairs.precision).toBeLessThan(1);
    expect(r.pairs.falseMatches).toEqual([expect.objectContaining({ caseId: c!.id, entryIds: [1, 2] })]);
    expect(r.outcomes[0]!.predicted).toBe('wrong_group');
  });

  it('the accuracy dimension judges the held-out set and reports the tuning set beside it', () => {
    const d = runAccuracy();
    const sets = d.metrics.sets as Record<string, { cases: number; macroF1: number; pairPrecision: number }>;
    expect(Object.keys(sets)).toEqual(['held-out', 'tuning', 'legacy v1 (information only)']);
    expect(sets['held-out']!.cases).toBe(heldOutCases().length);
    expect(d.score).toBe(sets['held-out']!.macroF1);
    expect(d.score).toBeGreaterThanOrEqual(0.95);
    expect(sets['held-out']!.pairPrecision).toBeGreaterThanOrEqual(0.995);
    expect(d.metrics.falseMatches).toEqual([]);
    expect(d.status).toBe('pass');
    expect(d.headline).toMatch(/^held-out \(174 cases\): macro-F1 /);
  });
});
