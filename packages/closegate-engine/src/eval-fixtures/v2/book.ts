import type { DatedRate } from 'closegate-policy';
import type { Entry, EntrySource } from '../../domain.js';
import type { IntercompanyRule } from '../../matcher/config.js';
import { addDays } from '../../seed/builder.js';
import type { LabelledCase, MatchLabel } from '../types.js';

export interface Spec {
  source: EntrySource;
  date: string;
  amount: string;
  currency?: string;
  reference?: string;
  description?: string;
  counterparty?: string;
  entity?: string;
  account?: string;
}

/**
 * One case's book with local ids 1..n and the full truth: which lines belong
 * together (every other line must stay unmatched), the subject line whose
 * class is scored, its expected class and, for an exception, the reason.
 */
export class FixtureBook {
  readonly entries: Entry[] = [];
  readonly groups: number[][] = [];
  readonly rules: IntercompanyRule[] = [];
  rates: DatedRate[] = [];

  constructor(private readonly defaults: { entity: string; account: string; currency: string }) {}

  line(s: Spec): number {
    const id = this.entries.length + 1;
    this.entries.push({
      id,
      source: s.source,
      entity: s.entity ?? this.defaults.entity,
      accountCode: s.account ?? this.defaults.account,
      postingDate: s.date,
      amount: s.amount,
      currency: s.currency ?? this.defaults.currency,
      reference: s.reference ?? '',
      description: s.description ?? '',
      counterparty: s.counterparty ?? '',
      state: 'unmatched',
    });
    return id;
  }

  /** These lines belong together (one true match). */
  truth(...ids: number[]): void {
    this.groups.push([...ids].sort((a, b) => a - b));
  }

  done(
    id: string,
    set: 'tuning' | 'held-out',
    label: MatchLabel,
    tags: string[],
    subjectId: number,
    expectedReason?: string,
  ): LabelledCase {
    const group = this.groups.find((g) => g.includes(subjectId)) ?? [];
    const c: LabelledCase = {
      id,
      label,
      tags,
      entries: this.entries,
      subjectId,
      expectedGroup: label === 'exception' ? [] : group,
      intercompanyRules: this.rules,
      set,
      truthGroups: this.groups,
      fxRates: this.rates,
    };
    if (expectedReason !== undefined) c.expectedReason = expectedReason;
    return c;
  }
}

/** `n` business days after `date` (Saturdays and Sundays skipped). */
export function addBusinessDays(date: string, n: number): string {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (!isWeekend(d)) left--;
  }
  return d;
}

export function isWeekend(date: string): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
}

/** The next business day on or after `date`. */
export function onBusinessDay(date: string): string {
  let d = date;
  while (isWeekend(d)) d = addDays(d, 1);
  return d;
}
