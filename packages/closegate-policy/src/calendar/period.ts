import { CalendarError } from '../errors.js';
import { isIsoDate } from '../fx/dates.js';
import { localDateOf } from './timezone.js';

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD.test(value);
}

export function assertPeriod(value: unknown): string {
  if (!isPeriod(value)) {
    throw new CalendarError(
      'CALENDAR_INVALID_PERIOD',
      `period must be written YYYY-MM, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** The accounting period ('YYYY-MM') of a local posting date ('YYYY-MM-DD'). */
export function periodOf(postingDate: string): string {
  if (!isIsoDate(postingDate)) {
    throw new CalendarError(
      'CALENDAR_INVALID_DATE',
      `posting date must be a real date written YYYY-MM-DD, got ${JSON.stringify(postingDate)}`,
    );
  }
  return postingDate.slice(0, 7);
}

/** The period of a UTC instant as seen on the entity's local calendar. */
export function periodOfInstant(epochMs: number, timeZone: string): string {
  return periodOf(localDateOf(epochMs, timeZone));
}

/** The period after `period` ('2026-12' -> '2027-01'). */
export function nextPeriod(period: string): string {
  const match = PERIOD.exec(assertPeriod(period))!;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return month === 12
    ? `${String(year + 1).padStart(4, '0')}-01`
    : `${match[1]}-${String(month + 1).padStart(2, '0')}`;
}
