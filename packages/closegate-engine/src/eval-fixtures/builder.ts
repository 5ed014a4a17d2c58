import type { Entry, EntrySource } from '../domain.js';
import type { IntercompanyRule } from '../matcher/config.js';
import { addDays, fromMinor } from '../seed/builder.js';
import type { LabelledCase, MatchLabel } from './types.js';

export { addDays, fromMinor };

export interface LineArgs {
  source: EntrySource;
  date: string;
  amount: string;
  currency?: string;
  reference?: string;
  description?: string;
  entity?: string;
  account?: string;
}

/** Builds one case's book with case-local entry ids 1..n. */
export class CaseBook {
  readonly entries: Entry[] = [];
  readonly rules: IntercompanyRule[] = [];

  line(a: LineArgs): number {
    const id = this.entries.length + 1;
    this.entries.push({
      id,
      source: a.source,
      entity: a.entity ?? 'US01',
      accountCode: a.account ?? '1010',
      postingDate: a.date,
      amount: a.amount,
      currency: a.currency ?? 'USD',
      reference: a.reference ?? '',
      description: a.description ?? '',
      counterparty: '',
      state: 'unmatched',
    });
    return id;
  }

  done(
    id: string,
    label: MatchLabel,
    tags: string[],
    subjectId: number,
    expectedGroup: number[],
  ): LabelledCase {
    return {
      id,
      label,
      tags,
      entries: this.entries,
      subjectId,
      expectedGroup: [...expectedGroup].sort((a, b) => a - b),
      intercompanyRules: this.rules,
    };
  }
}

/** Deterministic amount: cents or yen from a case index (no randomness). */
export function amountFor(i: number, currency: string, salt = 0): string {
  const digits = currency === 'JPY' ? 0 : 2;
  const base = BigInt(104_317 + ((i * 7919 + salt * 104_729) % 900_001));
  return fromMinor(currency === 'JPY' ? base * 3n : base, digits);
}

export const CURRENCIES = ['USD', 'JPY', 'INR', 'EUR'] as const;
export const ENTITY_OF: Record<string, string> = { USD: 'US01', JPY: 'JP01', INR: 'IN01', EUR: 'DE01' };

export function dateFor(i: number): string {
  return addDays('2026-03-02', (i * 3) % 24);
}
