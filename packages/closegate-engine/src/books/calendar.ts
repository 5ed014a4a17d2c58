import { nextPeriod, type CloseWindow } from 'closegate-policy';
import type { ReconStore } from '../store/index.js';
import type { CloseCalendarSpec } from './schema.js';

const DEFAULT: CloseCalendarSpec = { opens_day: 1, closes_day: 5, closes_time: '18:00' };

const day = (n: number) => String(n).padStart(2, '0');

/**
 * The close window of `entity` for `period` from its books.yaml
 * close_calendar: opens at 00:00 local on `opens_day` of the following month,
 * closes on `closes_day` at `closes_time` local. Entities set up before
 * books.yaml get the default (1st 00:00 to 5th 18:00), as get_close_calendar
 * derives it.
 */
export function booksCloseWindow(store: ReconStore, entity: string, period: string): CloseWindow {
  const calendars = (store.config.setting('close_calendars') ?? {}) as Record<string, CloseCalendarSpec>;
  const c = calendars[entity] ?? DEFAULT;
  const next = nextPeriod(period);
  return {
    entity,
    period,
    opensLocal: `${next}-${day(c.opens_day)}T00:00`,
    closesLocal: `${next}-${day(c.closes_day)}T${c.closes_time}`,
  };
}
