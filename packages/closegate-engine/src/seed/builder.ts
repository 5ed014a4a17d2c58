import type { EntrySource, NewEntry } from '../domain.js';

/** Adds `days` to a YYYY-MM-DD date (UTC calendar arithmetic). */
export function addDays(date: string, days: number): string {
  const t = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
  return new Date(t + days * 86_400_000).toISOString().slice(0, 10);
}

/** Minor units (bigint) to a decimal string with `digits` decimals. */
export function fromMinor(minor: bigint, digits: number): string {
  const neg = minor < 0n;
  const s = (neg ? -minor : minor).toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return neg ? `-${body}` : body;
}

export interface LineSpec {
  date: string;
  amount: string;
  reference: string;
  description: string;
  counterparty?: string;
}

/** Collects demo lines for one (entity, account, currency) book. */
export class BookBuilder {
  constructor(
    private readonly out: NewEntry[],
    readonly entity: string,
    readonly accountCode: string,
    readonly currency: string,
  ) {}

  line(source: EntrySource, s: LineSpec): this {
    this.out.push({
      source,
      entity: this.entity,
      accountCode: this.accountCode,
      postingDate: s.date,
      amount: s.amount,
      currency: this.currency,
      reference: s.reference,
      description: s.description,
      counterparty: s.counterparty ?? '',
    });
    return this;
  }

  /** A GL line and its counterpart on `other`, identical unless `drift` says otherwise. */
  pair(other: EntrySource, s: LineSpec, drift: Partial<LineSpec> = {}): this {
    this.line('gl', s);
    return this.line(other, { ...s, ...drift });
  }
}
