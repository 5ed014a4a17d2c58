import { Decimal } from 'closegate-policy';
import type { DeskStatusRow } from './desk-status.js';

type Bucket = { count: number; totals: Record<string, string> };
const BUCKETS = ['matched', 'proposed', 'escalated', 'exceptions', 'unmatched'] as const;

export interface EntityReconSummary {
  entity: string;
  currency: string;
  periods: string[];
  matched: Bucket;
  proposed: Bucket;
  escalated: Bucket;
  exceptions: Bucket;
  unmatched: Bucket;
}

/** The desk's per-period status rows summed per entity (counts and per-currency totals of lines). */
export function summaryByEntity(rows: readonly DeskStatusRow[]): EntityReconSummary[] {
  const out = new Map<string, EntityReconSummary & { sums: Map<string, Decimal> }>();
  for (const row of rows) {
    let s = out.get(row.entity);
    if (s === undefined) {
      const blank = (): Bucket => ({ count: 0, totals: {} });
      s = {
        entity: row.entity,
        currency: row.currency,
        periods: [],
        matched: blank(),
        proposed: blank(),
        escalated: blank(),
        exceptions: blank(),
        unmatched: blank(),
        sums: new Map(),
      };
      out.set(row.entity, s);
    }
    s.periods.push(row.period);
    for (const b of BUCKETS) {
      s[b].count += row[b].count;
      for (const [currency, total] of Object.entries(row[b].totals)) {
        const key = `${b}|${currency}`;
        s.sums.set(key, (s.sums.get(key) ?? new Decimal(0)).plus(total));
      }
    }
  }
  return [...out.values()].map(({ sums, ...s }) => {
    for (const [key, total] of sums) {
      const [bucket, currency] = key.split('|') as [(typeof BUCKETS)[number], string];
      s[bucket].totals[currency] = total.toFixed();
    }
    return s;
  });
}
