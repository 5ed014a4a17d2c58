import fs from 'node:fs';
import {
  findCloseWindowConflicts,
  nextPeriod,
  parseCloseCalendar,
  type CloseCalendar,
  type CloseWindow,
  type CloseWindowConflict,
  type IntercompanyPair,
} from 'closegate-policy';
import YAML from 'yaml';
import type { Engine } from '../engine.js';
import { McpConfigError } from './errors.js';

/** Where get_close_calendar takes its calendar from. */
export interface CalendarSource {
  /** 'file' (CLOSEGATE_CALENDAR) or 'default' (derived close windows, see defaultWindows). */
  readonly origin: 'file' | 'default';
  calendar(): CloseCalendar;
}

export interface CalendarView {
  origin: 'file' | 'default';
  calendar: CloseCalendar;
  intercompanyPairs: IntercompanyPair[];
  conflicts: CloseWindowConflict[];
}

/** Default close window: local 00:00 on the 1st of the next month to 18:00 on its 5th day. */
export function defaultWindow(entity: string, period: string): CloseWindow {
  const next = nextPeriod(period);
  return { entity, period, opensLocal: `${next}-01T00:00`, closesLocal: `${next}-05T18:00` };
}

function bookPeriods(engine: Engine): string[] {
  const rows = engine.context.store.db
    .prepare('SELECT DISTINCT substr(posting_date, 1, 7) AS p FROM entries ORDER BY p')
    .all() as { p: string }[];
  const fromPeriods = engine.context.store.periods.list().map((p) => p.period);
  return [...new Set([...rows.map((r) => r.p), ...fromPeriods])]
    .filter((p) => /^\d{4}-(0[1-9]|1[0-2])$/.test(p))
    .sort();
}

/** A calendar derived from the book: every entity, default windows for every period with entries. */
export function defaultCalendarSource(engine: Engine): CalendarSource {
  return {
    origin: 'default',
    calendar() {
      const entities = engine.context.store.entities
        .entities()
        .map((e) => ({ code: e.code, timeZone: e.timeZone, currency: e.currency }));
      const periods = bookPeriods(engine);
      return { entities, windows: entities.flatMap((e) => periods.map((p) => defaultWindow(e.code, p))) };
    },
  };
}

/** A calendar file (YAML or JSON: { entities: [...], windows: [...] }), validated once at start-up. */
export function fileCalendarSource(file: string): CalendarSource {
  let parsed: CloseCalendar;
  try {
    parsed = parseCloseCalendar(YAML.parse(fs.readFileSync(file, 'utf8')) as unknown);
  } catch (err) {
    throw new McpConfigError(`CLOSEGATE_CALENDAR ${file}: ${(err as Error).message}`);
  }
  return { origin: 'file', calendar: () => parsed };
}

/** Distinct entity pairs of the book's intercompany rules. */
export function intercompanyPairs(engine: Engine, calendar: CloseCalendar): IntercompanyPair[] {
  const known = new Set(calendar.entities.map((e) => e.code));
  const seen = new Set<string>();
  const pairs: IntercompanyPair[] = [];
  for (const rule of engine.context.store.config.intercompanyRules()) {
    const pair = [rule.a.entity, rule.b.entity].sort() as [string, string];
    const key = pair.join('|');
    if (pair[0] === pair[1] || seen.has(key) || !known.has(pair[0]) || !known.has(pair[1])) continue;
    seen.add(key);
    pairs.push(pair);
  }
  return pairs;
}

export function calendarView(engine: Engine, source: CalendarSource, period?: string): CalendarView {
  const full = source.calendar();
  const calendar =
    period === undefined
      ? full
      : { entities: full.entities, windows: full.windows.filter((w) => w.period === period) };
  const pairs = intercompanyPairs(engine, calendar);
  return {
    origin: source.origin,
    calendar,
    intercompanyPairs: pairs,
    conflicts: findCloseWindowConflicts(calendar, pairs),
  };
}
