import { CalendarError } from '../errors.js';

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter that prints wall-clock fields of `timeZone` (cached: construction is slow). */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        era: 'short',
      });
    } catch {
      throw new CalendarError(
        'CALENDAR_INVALID_TIMEZONE',
        `unknown IANA time zone ${JSON.stringify(timeZone)}`,
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws CALENDAR_INVALID_TIMEZONE unless `timeZone` is an IANA zone the runtime knows. */
export function assertTimeZone(timeZone: unknown): string {
  if (typeof timeZone !== 'string' || timeZone.length === 0) {
    throw new CalendarError(
      'CALENDAR_INVALID_TIMEZONE',
      `time zone must be an IANA name such as "Asia/Tokyo"`,
    );
  }
  formatterFor(timeZone);
  return timeZone;
}

/** Wall-clock fields of `epochMs` in `timeZone`, read back as if they were UTC. */
function wallClockAsUtc(epochMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);
  const era = parts.find((part) => part.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - field('year') : field('year');
  const utc = new Date(0);
  utc.setUTCFullYear(year, field('month') - 1, field('day'));
  utc.setUTCHours(field('hour'), field('minute'), field('second'), 0);
  return utc.getTime();
}

/** UTC offset of `timeZone` at `epochMs`, in milliseconds (New York in winter: -5h). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(epochMs / 1000) * 1000;
  return wallClockAsUtc(wholeSecond, timeZone) - wholeSecond;
}

/** Parses 'YYYY-MM-DDTHH:mm' as a wall-clock time, returned as ms since epoch read as UTC. */
export function parseLocalDateTime(local: unknown): number {
  const match = typeof local === 'string' ? LOCAL_DATE_TIME.exec(local) : null;
  if (!match) {
    throw new CalendarError(
      'CALENDAR_INVALID_LOCAL_TIME',
      `local time must be written YYYY-MM-DDTHH:mm, got ${JSON.stringify(local)}`,
    );
  }
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) {
    throw new CalendarError(
      'CALENDAR_INVALID_LOCAL_TIME',
      `local time ${JSON.stringify(local)} does not exist`,
    );
  }
  return ms;
}

/**
 * The UTC instant (ms since epoch) of wall-clock time `local` in `timeZone`.
 *
 * Daylight-saving edges are resolved like Temporal's 'compatible' mode, so the
 * answer is deterministic:
 * - gap (the clock jumps, e.g. 02:30 on 2026-03-08 in New York does not exist):
 *   the time is read with the offset in force before the jump, which lands
 *   after it (02:30 EST = 07:30Z = 03:30 EDT);
 * - overlap (the clock repeats, e.g. 01:30 on 2026-11-01 in New York): the
 *   earlier of the two instants (01:30 EDT = 05:30Z).
 * Assumes at most one offset change within a day either side, true of every real zone.
 */
export function localToEpochMs(local: string, timeZone: string): number {
  assertTimeZone(timeZone);
  const wall = parseLocalDateTime(local);
  const offsetBefore = offsetAt(wall - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter(
    (instant) => instant + offsetAt(instant, timeZone) === wall,
  );
  if (candidates.length === 0) return wall - offsetBefore; // gap
  return Math.min(...candidates); // one answer, or the earlier one in an overlap
}

/** ISO 8601 UTC string ('2026-03-31T15:00:00.000Z') of `local` in `timeZone`. */
export function localToUtc(local: string, timeZone: string): string {
  return new Date(localToEpochMs(local, timeZone)).toISOString();
}

/** The local calendar date (YYYY-MM-DD) of a UTC instant in `timeZone`. */
export function localDateOf(epochMs: number, timeZone: string): string {
  assertTimeZone(timeZone);
  if (!Number.isFinite(epochMs)) {
    throw new CalendarError('CALENDAR_INVALID_INSTANT', 'instant must be a finite number of ms since epoch');
  }
  return new Date(wallClockAsUtc(epochMs, timeZone)).toISOString().slice(0, 10);
}
