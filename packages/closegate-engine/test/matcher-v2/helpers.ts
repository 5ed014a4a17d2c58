import { FixedRateAdapter, type DatedRate } from 'closegate-policy';
import {
  DEFAULT_MATCHING_RULES,
  parseMatchingRules,
  runMatcher,
  type Entry,
  type MatchingRulesInput,
} from '../../src/index.js';
import type { MatchResult } from '../../src/matcher/config.js';

export const RATES: DatedRate[] = [
  { base: 'EUR', quote: 'USD', rate: '1.08', asOf: '2026-03-02' },
  { base: 'EUR', quote: 'USD', rate: '1.09', asOf: '2026-03-04' },
  { base: 'JPY', quote: 'USD', rate: '0.0065', asOf: '2026-01-01' },
];

let nextId = 1;

/** A line with defaults: US01 / 1010 / USD, Monday 2 March 2026. */
export function line(p: Partial<Entry> & Pick<Entry, 'source' | 'amount'>): Entry {
  return {
    id: nextId++,
    entity: 'US01',
    accountCode: '1010',
    postingDate: '2026-03-02',
    currency: 'USD',
    reference: '',
    description: '',
    counterparty: '',
    state: 'unmatched',
    ...p,
  };
}

export function resetIds(): void {
  nextId = 1;
}

/** Runs matcher v2 with the default rules, or only the given rules. */
export function match(
  entries: Entry[],
  rules?: MatchingRulesInput['rules'],
  extra: Partial<MatchingRulesInput> = {},
): MatchResult {
  const fx = new FixedRateAdapter(RATES, { environment: 'test' });
  const parsed = rules === undefined ? DEFAULT_MATCHING_RULES : parseMatchingRules({ rules, ...extra });
  return runMatcher(entries, fx, { rules: parsed });
}

/** The proposal holding `id`, if any. */
export function proposalOf(r: MatchResult, id: number) {
  return r.proposals.find((p) => p.entryIds.includes(id));
}

export function exceptionOf(r: MatchResult, id: number) {
  return r.exceptions.find((x) => x.entryId === id);
}
