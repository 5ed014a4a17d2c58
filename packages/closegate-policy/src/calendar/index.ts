export type {
  CalendarEntity,
  CloseCalendar,
  CloseWindow,
  CloseWindowConflict,
  CloseWindowConflictKind,
  IntercompanyPair,
  ResolvedWindow,
} from './types.js';
export { closeWindowOf, entityOf, parseCloseCalendar, resolveWindow } from './calendar.js';
export { findCloseWindowConflicts } from './conflicts.js';
export { assertPeriod, isPeriod, nextPeriod, periodOf, periodOfInstant } from './period.js';
export { assertTimeZone, localDateOf, localToEpochMs, localToUtc, offsetAt } from './timezone.js';
