/**
 * Close calendar display model. The server detects conflicts (the policy
 * package's findCloseWindowConflicts); this module lays the windows out on one
 * UTC axis and attaches each conflict to the windows it involves as TEXT, so
 * an overlap or an out-of-order close is never signalled by colour alone.
 */

export interface TimelineWindow {
  entity: string;
  period: string;
  opensLocal: string;
  closesLocal: string;
  opensUtc: string;
  closesUtc: string;
}

export interface TimelineConflict {
  kind: string;
  entities: readonly [string, string];
  period: string;
  message?: string;
}

export interface TimelineBar {
  entity: string;
  timeZone: string;
  period: string;
  opensLocal: string;
  closesLocal: string;
  /** Percent offsets on the shared UTC axis. */
  left: number;
  width: number;
  /** Visible labels, e.g. "Overlaps US01 2026-01". Empty when clean. */
  flags: string[];
  kinds: string[];
}

const KIND_LABEL: Record<string, string> = {
  overlap: 'Overlap',
  out_of_order: 'Out of order',
  missing_counterpart: 'Missing counterpart window',
};

/** A visible name for a conflict kind; unknown kinds are shown as sent, never dropped. */
export function conflictLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind.replace(/_/g, ' ');
}

/** True when two windows share any instant (half-open: a close at the other's open is no overlap). */
export function windowsOverlap(a: Pick<TimelineWindow, 'opensUtc' | 'closesUtc'>, b: typeof a): boolean {
  return Date.parse(a.opensUtc) < Date.parse(b.closesUtc) && Date.parse(b.opensUtc) < Date.parse(a.closesUtc);
}

export function layoutTimeline(
  entities: { code: string; timeZone: string }[],
  windows: TimelineWindow[],
  conflicts: TimelineConflict[],
): { bars: TimelineBar[]; startUtc: string; endUtc: string } {
  if (windows.length === 0) return { bars: [], startUtc: '', endUtc: '' };
  const start = Math.min(...windows.map((w) => Date.parse(w.opensUtc)));
  const end = Math.max(...windows.map((w) => Date.parse(w.closesUtc)));
  const span = Math.max(1, end - start);
  const zone = new Map(entities.map((e) => [e.code, e.timeZone]));
  const bars = windows.map((w): TimelineBar => {
    // A conflict names an entity pair and the period of its first window: it
    // concerns this bar when the bar is one of the pair in that period.
    const involved = conflicts.filter((c) => c.period === w.period && c.entities.includes(w.entity));
    const flags = involved.map((c) => {
      const other = c.entities.find((e) => e !== w.entity);
      return other ? `${conflictLabel(c.kind)} with ${other}` : conflictLabel(c.kind);
    });
    const opens = Date.parse(w.opensUtc);
    return {
      entity: w.entity,
      timeZone: zone.get(w.entity) ?? 'UTC',
      period: w.period,
      opensLocal: w.opensLocal,
      closesLocal: w.closesLocal,
      left: round2(((opens - start) / span) * 100),
      width: Math.max(0.5, round2(((Date.parse(w.closesUtc) - opens) / span) * 100)),
      flags,
      kinds: [...new Set(involved.map((c) => c.kind))],
    };
  });
  bars.sort((a, b) => a.period.localeCompare(b.period) || a.entity.localeCompare(b.entity));
  return { bars, startUtc: new Date(start).toISOString(), endUtc: new Date(end).toISOString() };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
