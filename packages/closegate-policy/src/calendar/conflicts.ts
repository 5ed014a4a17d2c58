import { CalendarError } from '../errors.js';
import { parseCloseCalendar, resolveWindow } from './calendar.js';
import { nextPeriod } from './period.js';
import type { CloseCalendar, CloseWindowConflict, IntercompanyPair, ResolvedWindow } from './types.js';

function windowsByEntity(calendar: CloseCalendar): Map<string, Map<string, ResolvedWindow>> {
  const result = new Map<string, Map<string, ResolvedWindow>>();
  for (const entity of calendar.entities) result.set(entity.code, new Map());
  for (const window of calendar.windows) {
    const entity = calendar.entities.find((candidate) => candidate.code === window.entity)!;
    result.get(window.entity)!.set(window.period, resolveWindow(window, entity));
  }
  return result;
}

function overlaps(a: ResolvedWindow, b: ResolvedWindow): boolean {
  return a.opensMs < b.closesMs && b.opensMs < a.closesMs;
}

function pairConflicts(
  pair: readonly [string, string],
  left: Map<string, ResolvedWindow>,
  right: Map<string, ResolvedWindow>,
): CloseWindowConflict[] {
  const conflicts: CloseWindowConflict[] = [];
  const add = (conflict: Omit<CloseWindowConflict, 'entities'>) =>
    conflicts.push({ entities: pair, ...conflict });
  const periods = [...new Set([...left.keys(), ...right.keys()])].sort();
  for (const period of periods) {
    const a = left.get(period);
    const b = right.get(period);
    if (!a || !b) {
      const present = (a ?? b)!;
      const missing = a ? pair[1] : pair[0];
      add({
        kind: 'missing_counterpart',
        period,
        windows: [present],
        detail: `${present.entity} closes ${period} but ${missing} has no close window for it`,
      });
      continue;
    }
    if (overlaps(a, b)) {
      add({
        kind: 'overlap',
        period,
        windows: [a, b],
        detail:
          `${a.entity} and ${b.entity} close ${period} at the same time ` +
          `(${a.opensUtc}..${a.closesUtc} and ${b.opensUtc}..${b.closesUtc} UTC): ` +
          `intercompany entries posted meanwhile can land in different periods`,
      });
    }
    for (const [current, other] of [
      [a, right.get(nextPeriod(period))],
      [b, left.get(nextPeriod(period))],
    ] as const) {
      if (other && other.opensMs < current.closesMs) {
        add({
          kind: 'out_of_order',
          period,
          windows: [current, other],
          detail:
            `${other.entity} opens its ${other.period} close (${other.opensUtc}) before ${current.entity} ` +
            `finishes closing ${period} (${current.closesUtc})`,
        });
      }
    }
  }
  return conflicts;
}

/**
 * Close-window problems between entities that book intercompany entries with
 * each other, compared as UTC instants:
 * - overlap: both entities close the same period at the same time;
 * - out_of_order: one entity starts closing the next period before the other
 *   has finished closing this one;
 * - missing_counterpart: one entity closes a period the other has no window for.
 * Output is sorted by pair (as given) then period, so it is deterministic.
 */
export function findCloseWindowConflicts(
  calendar: CloseCalendar,
  intercompanyPairs: readonly IntercompanyPair[],
): CloseWindowConflict[] {
  const checked = parseCloseCalendar(calendar);
  const byEntity = windowsByEntity(checked);
  return intercompanyPairs.flatMap((pair) => {
    const [leftCode, rightCode] = pair;
    const left = byEntity.get(leftCode);
    const right = byEntity.get(rightCode);
    if (!left || !right || leftCode === rightCode) {
      throw new CalendarError(
        'CALENDAR_UNKNOWN_ENTITY',
        `intercompany pair ${leftCode}/${rightCode} must name two different entities of the calendar`,
      );
    }
    return pairConflicts([leftCode, rightCode], left, right);
  });
}
