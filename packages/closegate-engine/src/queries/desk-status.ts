import type Database from 'better-sqlite3';
import { Decimal } from 'closegate-policy';
import { statusLines } from './desk.js';

type Bucket = { count: number; totals: Record<string, string> };
type Ageing = { '0-7': number; '8-30': number; '31-60': number; '61+': number };

export interface DeskStatusRow {
  entity: string;
  period: string;
  currency: string;
  periodState: string;
  matched: Bucket;
  proposed: Bucket;
  escalated: Bucket;
  exceptions: Bucket;
  unmatched: Bucket;
  autoMatchRate: string;
  ageing: Ageing;
}

const BUCKETS = ['matched', 'proposed', 'escalated', 'exceptions', 'unmatched'] as const;
type BucketName = (typeof BUCKETS)[number];

function ageBucket(days: number): keyof Ageing {
  if (days <= 7) return '0-7';
  if (days <= 30) return '8-30';
  if (days <= 60) return '31-60';
  return '61+';
}

/**
 * Per entity and period: counts and per-currency totals of matched, proposed,
 * escalated (in a match awaiting a human), exception and unmatched lines; the share
 * of lines matched; and open items by age (days from posting date to `now`).
 */
export function deskStatus(
  db: Database.Database,
  now: Date,
  entities: { code: string; currency: string }[],
  periodStates: Map<string, string>,
  entityFilter?: string,
  periodFilter?: string,
): DeskStatusRow[] {
  const currencyOf = new Map(entities.map((e) => [e.code, e.currency]));
  const rows = new Map<string, DeskStatusRow & { sums: Map<string, Decimal> }>();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (const line of statusLines(db)) {
    if (entityFilter !== undefined && line.entity !== entityFilter) continue;
    if (periodFilter !== undefined && line.period !== periodFilter) continue;
    const key = `${line.entity}|${line.period}`;
    let row = rows.get(key);
    if (row === undefined) {
      const blank = (): Bucket => ({ count: 0, totals: {} });
      row = {
        entity: line.entity,
        period: line.period,
        currency: currencyOf.get(line.entity) ?? '',
        periodState: periodStates.get(key) ?? 'open',
        matched: blank(),
        proposed: blank(),
        escalated: blank(),
        exceptions: blank(),
        unmatched: blank(),
        autoMatchRate: '0',
        ageing: { '0-7': 0, '8-30': 0, '31-60': 0, '61+': 0 },
        sums: new Map(),
      };
      rows.set(key, row);
    }
    const bucket: BucketName =
      line.state === 'matched'
        ? 'matched'
        : line.state === 'exception'
          ? 'exceptions'
          : line.state === 'unmatched'
            ? 'unmatched'
            : line.escalated
              ? 'escalated'
              : 'proposed';
    row[bucket].count++;
    const sumKey = `${bucket}|${line.currency}`;
    row.sums.set(sumKey, (row.sums.get(sumKey) ?? new Decimal(0)).plus(line.amount));
    if (bucket !== 'matched') {
      const days = Math.max(0, Math.floor((today - Date.parse(line.postingDate)) / 86_400_000));
      row.ageing[ageBucket(days)]++;
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.entity.localeCompare(b.entity) || a.period.localeCompare(b.period))
    .map(({ sums, ...row }) => {
      for (const [k, total] of sums) {
        const [bucket, currency] = k.split('|') as [BucketName, string];
        row[bucket].totals[currency] = total.toFixed();
      }
      const all = BUCKETS.reduce((n, b) => n + row[b].count, 0);
      row.autoMatchRate = all === 0 ? '0' : new Decimal(row.matched.count).div(all).toFixed(4);
      return row;
    });
}
