import { z } from 'zod';
import { CalendarError } from '../errors.js';
import { isKnownCurrency } from '../money/currencies.js';
import { isPeriod } from './period.js';
import { assertTimeZone, localToEpochMs, parseLocalDateTime } from './timezone.js';
import type { CalendarEntity, CloseCalendar, CloseWindow, ResolvedWindow } from './types.js';

const localTime = z.string().refine((value) => {
  try {
    parseLocalDateTime(value);
    return true;
  } catch {
    return false;
  }
}, 'expected local time YYYY-MM-DDTHH:mm');

const entitySchema = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'expected an entity code (letters, digits, _ or -)'),
    timeZone: z.string().min(1),
    currency: z.string().refine(isKnownCurrency, 'expected a known ISO 4217 currency'),
  })
  .strict();

const windowSchema = z
  .object({
    entity: z.string().min(1),
    period: z.string().refine(isPeriod, 'expected period YYYY-MM'),
    opensLocal: localTime,
    closesLocal: localTime,
  })
  .strict();

const calendarSchema = z.object({ entities: z.array(entitySchema), windows: z.array(windowSchema) }).strict();

function fail(message: string): never {
  throw new CalendarError('CALENDAR_INVALID', message);
}

/**
 * Validates a close calendar: known time zones and currencies, unique entity
 * codes, windows that reference known entities, one window per entity and
 * period, and every window closing after it opens.
 */
export function parseCloseCalendar(input: unknown): CloseCalendar {
  const parsed = calendarSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail(`close calendar ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const calendar = parsed.data;
  const byCode = new Map<string, CalendarEntity>();
  for (const entity of calendar.entities) {
    if (byCode.has(entity.code)) fail(`close calendar lists entity ${entity.code} twice`);
    assertTimeZone(entity.timeZone);
    byCode.set(entity.code, entity);
  }
  const seen = new Set<string>();
  for (const window of calendar.windows) {
    const entity = byCode.get(window.entity) ?? fail(`close window for unknown entity ${window.entity}`);
    const key = `${window.entity}/${window.period}`;
    if (seen.has(key)) fail(`entity ${window.entity} has two close windows for ${window.period}`);
    seen.add(key);
    const resolved = resolveWindow(window, entity);
    if (resolved.closesMs <= resolved.opensMs) {
      fail(`close window ${key} closes (${window.closesLocal}) before it opens (${window.opensLocal})`);
    }
  }
  return calendar;
}

/** A close window with its UTC instants, using the entity's time zone. */
export function resolveWindow(window: CloseWindow, entity: CalendarEntity): ResolvedWindow {
  const opensMs = localToEpochMs(window.opensLocal, entity.timeZone);
  const closesMs = localToEpochMs(window.closesLocal, entity.timeZone);
  return {
    ...window,
    opensMs,
    closesMs,
    opensUtc: new Date(opensMs).toISOString(),
    closesUtc: new Date(closesMs).toISOString(),
  };
}

/** Looks up an entity by code; CALENDAR_UNKNOWN_ENTITY if absent. */
export function entityOf(calendar: CloseCalendar, code: string): CalendarEntity {
  const entity = calendar.entities.find((candidate) => candidate.code === code);
  if (!entity)
    throw new CalendarError('CALENDAR_UNKNOWN_ENTITY', `entity ${code} is not in the close calendar`);
  return entity;
}

/** The close window of `entity` for `period`, resolved to UTC, or undefined. */
export function closeWindowOf(
  calendar: CloseCalendar,
  code: string,
  period: string,
): ResolvedWindow | undefined {
  const window = calendar.windows.find(
    (candidate) => candidate.entity === code && candidate.period === period,
  );
  return window ? resolveWindow(window, entityOf(calendar, code)) : undefined;
}
