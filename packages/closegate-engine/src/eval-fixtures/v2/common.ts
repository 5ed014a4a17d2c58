import type { DatedRate } from 'closegate-policy';
import { Decimal } from 'closegate-policy';
import { addDays, fromMinor } from '../../seed/builder.js';
import { addBusinessDays, FixtureBook, isWeekend, onBusinessDay } from './book.js';
import type { Rng } from './rng.js';
import type { Party, Style } from './styles.js';

export { addBusinessDays, addDays, fromMinor, onBusinessDay };

export const DIGITS: Record<string, number> = { USD: 2, EUR: 2, GBP: 2, INR: 2, JPY: 0, MXN: 2 };
const BASE_RATE: Record<string, string> = { EUR: '1.0850', GBP: '1.2700', JPY: '0.006650', INR: '0.011980' };

/** A business day in March 2026. */
export function someDay(r: Rng): string {
  return onBusinessDay(addDays('2026-03-02', r.int(0, 23)));
}

export function money(v: bigint, currency: string): string {
  return fromMinor(v, DIGITS[currency] ?? 2);
}

/** A book for a case of the given region, with daily FX rates for the currencies it needs. */
export function bookFor(region: 'us' | 'india' | 'japan', r: Rng, fx: string[] = []): FixtureBook {
  const d =
    region === 'us'
      ? { entity: 'US01', account: '1010', currency: 'USD' }
      : region === 'india'
        ? { entity: 'IN01', account: '1010', currency: 'INR' }
        : { entity: 'JP01', account: '1010', currency: 'JPY' };
  const b = new FixtureBook(d);
  b.rates = dailyRates(r, ['JPY', 'INR', 'EUR', 'GBP', ...fx]);
  return b;
}

/** Business-day rates from mid February to mid April, a small random walk around a base. */
export function dailyRates(r: Rng, currencies: string[]): DatedRate[] {
  const out: DatedRate[] = [];
  for (const c of [...new Set(currencies)]) {
    const base = BASE_RATE[c];
    if (base === undefined) continue;
    let rate = new Decimal(base);
    for (let d = '2026-02-16'; d <= '2026-04-17'; d = addDays(d, 1)) {
      if (isWeekend(d)) continue;
      rate = rate.times(new Decimal(1).plus(new Decimal(r.int(-30, 30)).div(10_000)));
      out.push({ base: c, quote: 'USD', rate: rate.toSignificantDigits(6).toFixed(), asOf: d });
    }
  }
  return out;
}

/** The rate of `currency` on `date` (the latest on or before it). */
export function rateOn(rates: readonly DatedRate[], currency: string, date: string): Decimal {
  let best: DatedRate | undefined;
  for (const x of rates) if (x.base === currency && x.asOf <= date && (!best || x.asOf > best.asOf)) best = x;
  return new Decimal(best!.rate);
}

export function party(s: Style, region: 'us' | 'india' | 'japan', r: Rng): Party {
  return r.pick(region === 'us' ? s.us : region === 'india' ? s.india : s.japan);
}

/** Another party of the same region than `p`. */
export function otherParty(s: Style, region: 'us' | 'india' | 'japan', p: Party, r: Rng): Party {
  const list = (region === 'us' ? s.us : region === 'india' ? s.india : s.japan).filter((x) => x !== p);
  return r.pick(list);
}

export function invoiceNo(r: Rng): number {
  return r.int(10_000, 89_999);
}
