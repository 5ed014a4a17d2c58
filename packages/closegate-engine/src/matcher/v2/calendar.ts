import { dayNumber } from '../prepare.js';

/**
 * Business days for date windows: Saturdays, Sundays and configured holidays
 * are not business days. `businessIndex(day)` counts the business days before
 * `day`, so the business-day distance between two dates is the difference of
 * their indexes (a Saturday and the following Monday are 0 apart, a Friday
 * and the following Monday 1).
 */
export class Calendar {
  private readonly holidays: number[];

  constructor(holidays: readonly string[]) {
    this.holidays = [...new Set(holidays.map(dayNumber))].filter((d) => !isWeekend(d)).sort((a, b) => a - b);
  }

  businessIndex(day: number): number {
    if (!Number.isFinite(day)) return day;
    // 1970-01-01 was a Thursday: shift so that week days are 0 = Monday .. 6 = Sunday
    const shifted = day + 3;
    const weeks = Math.floor(shifted / 7);
    const dow = shifted - weeks * 7;
    return weeks * 5 + Math.min(dow, 5) - this.holidaysBefore(day);
  }

  private holidaysBefore(day: number): number {
    const h = this.holidays;
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h[mid]! < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Calendar days a window of `days` business days can span (weekends and holidays in between). */
  calendarSpan(days: number): number {
    return days + 2 * Math.ceil((days + 1) / 5) + 2 + Math.min(this.holidays.length, days + 3);
  }
}

function isWeekend(day: number): boolean {
  const dow = (((day + 3) % 7) + 7) % 7;
  return dow >= 5;
}
