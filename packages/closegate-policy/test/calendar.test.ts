import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  findCloseWindowConflicts,
  localDateOf,
  localToUtc,
  nextPeriod,
  parseCloseCalendar,
  periodOf,
  periodOfInstant,
  type CloseCalendar,
} from '../src/index.js';

function calendarCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CalendarError);
    return (error as CalendarError).code;
  }
  return undefined;
}

const ENTITIES = [
  { code: 'US01', timeZone: 'America/New_York', currency: 'USD' },
  { code: 'JP01', timeZone: 'Asia/Tokyo', currency: 'JPY' },
  { code: 'IN01', timeZone: 'Asia/Kolkata', currency: 'INR' },
];

describe('local time to UTC', () => {
  it('converts ordinary local times', () => {
    expect(localToUtc('2026-03-31T18:00', 'Asia/Tokyo')).toBe('2026-03-31T09:00:00.000Z');
    expect(localToUtc('2026-03-31T18:00', 'Asia/Kolkata')).toBe('2026-03-31T12:30:00.000Z');
    expect(localToUtc('2026-01-15T09:00', 'America/New_York')).toBe('2026-01-15T14:00:00.000Z');
    expect(localToUtc('2026-07-15T09:00', 'America/New_York')).toBe('2026-07-15T13:00:00.000Z');
  });

  it('resolves the New York spring-forward gap (2026-03-08) forward, deterministically', () => {
    expect(localToUtc('2026-03-08T01:59', 'America/New_York')).toBe('2026-03-08T06:59:00.000Z'); // EST
    // 02:00-02:59 does not exist; read with the pre-jump offset, i.e. 03:30 EDT.
    expect(localToUtc('2026-03-08T02:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z');
    expect(localToUtc('2026-03-08T03:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z'); // EDT
    expect(localToUtc('2026-03-08T03:00', 'America/New_York')).toBe('2026-03-08T07:00:00.000Z');
  });

  it('resolves the New York fall-back overlap (2026-11-01) to the earlier instant', () => {
    expect(localToUtc('2026-11-01T00:30', 'America/New_York')).toBe('2026-11-01T04:30:00.000Z');
    expect(localToUtc('2026-11-01T01:30', 'America/New_York')).toBe('2026-11-01T05:30:00.000Z'); // EDT, not 06:30Z
    expect(localToUtc('2026-11-01T02:00', 'America/New_York')).toBe('2026-11-01T07:00:00.000Z'); // EST
  });

  it('handles European transitions too', () => {
    expect(localToUtc('2026-03-29T01:30', 'Europe/London')).toBe('2026-03-29T01:30:00.000Z'); // gap
    expect(localToUtc('2026-10-25T01:30', 'Europe/London')).toBe('2026-10-25T00:30:00.000Z'); // overlap, BST
  });

  it('rejects bad zones and local times', () => {
    expect(calendarCode(() => localToUtc('2026-03-31T18:00', 'Mars/Olympus'))).toBe(
      'CALENDAR_INVALID_TIMEZONE',
    );
    expect(calendarCode(() => localToUtc('2026-03-31 18:00', 'UTC'))).toBe('CALENDAR_INVALID_LOCAL_TIME');
    expect(calendarCode(() => localToUtc('2026-02-30T10:00', 'UTC'))).toBe('CALENDAR_INVALID_LOCAL_TIME');
    expect(calendarCode(() => localToUtc('2026-03-31T24:00', 'UTC'))).toBe('CALENDAR_INVALID_LOCAL_TIME');
    expect(calendarCode(() => localToUtc('2026-03-31T18:00Z', 'UTC'))).toBe('CALENDAR_INVALID_LOCAL_TIME');
  });
});

describe('periods', () => {
  it('derives the period from the local posting date', () => {
    expect(periodOf('2026-03-31')).toBe('2026-03');
    expect(periodOf('2026-04-01')).toBe('2026-04');
    expect(calendarCode(() => periodOf('2026-04-31'))).toBe('CALENDAR_INVALID_DATE');
    expect(calendarCode(() => periodOf('2026-4-1'))).toBe('CALENDAR_INVALID_DATE');
  });

  it('uses the local calendar, not UTC, for an instant', () => {
    const instant = Date.parse('2026-03-31T16:00:00Z');
    expect(localDateOf(instant, 'Asia/Tokyo')).toBe('2026-04-01');
    expect(periodOfInstant(instant, 'Asia/Tokyo')).toBe('2026-04');
    expect(periodOfInstant(instant, 'America/New_York')).toBe('2026-03');
  });

  it('steps to the next period across year ends', () => {
    expect(nextPeriod('2026-03')).toBe('2026-04');
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(calendarCode(() => nextPeriod('2026-13'))).toBe('CALENDAR_INVALID_PERIOD');
  });
});

describe('close calendar', () => {
  const calendar: CloseCalendar = {
    entities: ENTITIES,
    windows: [
      { entity: 'US01', period: '2026-03', opensLocal: '2026-04-01T09:00', closesLocal: '2026-04-03T18:00' },
      // Tokyo closes March before New York even opens: fine.
      { entity: 'JP01', period: '2026-03', opensLocal: '2026-03-30T09:00', closesLocal: '2026-03-31T18:00' },
      { entity: 'IN01', period: '2026-03', opensLocal: '2026-04-02T09:00', closesLocal: '2026-04-04T18:00' },
      { entity: 'US01', period: '2026-04', opensLocal: '2026-05-01T09:00', closesLocal: '2026-05-04T18:00' },
      // Tokyo starts its April close while New York is still closing March (out of order),
      // and is still closing April when New York starts (overlap).
      { entity: 'JP01', period: '2026-04', opensLocal: '2026-04-03T09:00', closesLocal: '2026-05-02T18:00' },
    ],
  };

  it('finds overlapping windows between paired entities, in UTC', () => {
    const conflicts = findCloseWindowConflicts(calendar, [['US01', 'IN01']]);
    expect(conflicts.map((c) => [c.kind, c.period])).toEqual([
      ['overlap', '2026-03'],
      ['missing_counterpart', '2026-04'],
    ]);
    expect(conflicts[0]!.windows.map((w) => w.opensUtc)).toEqual([
      '2026-04-01T13:00:00.000Z',
      '2026-04-02T03:30:00.000Z',
    ]);
    expect(conflicts[0]!.detail).toContain('US01 and IN01 close 2026-03 at the same time');
  });

  it('finds out-of-order windows: next period opens before the other closes this one', () => {
    const conflicts = findCloseWindowConflicts(calendar, [['US01', 'JP01']]);
    // JP01 opens its April close 2026-04-03T00:00Z, US01 closes March 2026-04-03T22:00Z.
    expect(conflicts.map((c) => [c.kind, c.period])).toEqual([
      ['out_of_order', '2026-03'],
      ['overlap', '2026-04'],
    ]);
    expect(conflicts[0]!.windows.map((w) => `${w.entity}/${w.period}`)).toEqual([
      'US01/2026-03',
      'JP01/2026-04',
    ]);
  });

  it('reports nothing for well-ordered windows and unpaired entities', () => {
    const ordered: CloseCalendar = {
      entities: ENTITIES,
      windows: [
        {
          entity: 'JP01',
          period: '2026-03',
          opensLocal: '2026-03-30T09:00',
          closesLocal: '2026-03-31T18:00',
        },
        {
          entity: 'US01',
          period: '2026-03',
          opensLocal: '2026-04-01T09:00',
          closesLocal: '2026-04-03T18:00',
        },
      ],
    };
    expect(findCloseWindowConflicts(ordered, [['US01', 'JP01']])).toEqual([]);
    expect(findCloseWindowConflicts(calendar, [])).toEqual([]);
  });

  it('sees an overlap that only exists because of the DST shift', () => {
    // New York window ends 02:30 local on the spring-forward night = 07:30Z;
    // the UTC-based window starts 07:15Z: overlap of 15 minutes.
    const dst: CloseCalendar = {
      entities: [ENTITIES[0]!, { code: 'GB01', timeZone: 'UTC', currency: 'GBP' }],
      windows: [
        {
          entity: 'US01',
          period: '2026-02',
          opensLocal: '2026-03-07T09:00',
          closesLocal: '2026-03-08T02:30',
        },
        {
          entity: 'GB01',
          period: '2026-02',
          opensLocal: '2026-03-08T07:15',
          closesLocal: '2026-03-09T12:00',
        },
      ],
    };
    expect(findCloseWindowConflicts(dst, [['US01', 'GB01']]).map((c) => c.kind)).toEqual(['overlap']);
    const later = {
      ...dst,
      windows: [dst.windows[0]!, { ...dst.windows[1]!, opensLocal: '2026-03-08T07:30' }],
    };
    expect(findCloseWindowConflicts(later, [['US01', 'GB01']])).toEqual([]);
  });

  it('validates the calendar', () => {
    const bad = (patch: Partial<CloseCalendar>) =>
      calendarCode(() => parseCloseCalendar({ ...calendar, ...patch }));
    expect(bad({ entities: [...ENTITIES, ENTITIES[0]!] })).toBe('CALENDAR_INVALID');
    expect(bad({ entities: [{ code: 'X1', timeZone: 'Nowhere/City', currency: 'USD' }], windows: [] })).toBe(
      'CALENDAR_INVALID_TIMEZONE',
    );
    expect(bad({ entities: [{ code: 'X1', timeZone: 'UTC', currency: 'XYZ' }], windows: [] })).toBe(
      'CALENDAR_INVALID',
    );
    const window = {
      entity: 'US01',
      period: '2026-03',
      opensLocal: '2026-04-01T09:00',
      closesLocal: '2026-04-01T08:00',
    };
    expect(bad({ windows: [window] })).toBe('CALENDAR_INVALID');
    expect(bad({ windows: [{ ...window, entity: 'ZZ01', closesLocal: '2026-04-02T08:00' }] })).toBe(
      'CALENDAR_INVALID',
    );
    expect(bad({ windows: [{ ...window, period: '2026-3', closesLocal: '2026-04-02T08:00' }] })).toBe(
      'CALENDAR_INVALID',
    );
    expect(calendarCode(() => findCloseWindowConflicts(calendar, [['US01', 'US01']]))).toBe(
      'CALENDAR_UNKNOWN_ENTITY',
    );
    expect(calendarCode(() => findCloseWindowConflicts(calendar, [['US01', 'DE01']]))).toBe(
      'CALENDAR_UNKNOWN_ENTITY',
    );
  });
});
