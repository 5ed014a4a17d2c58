/** A legal entity whose books close on its own local clock. */
export interface CalendarEntity {
  code: string;
  /** IANA time zone, e.g. 'Asia/Tokyo'. */
  timeZone: string;
  /** Functional currency, ISO 4217. */
  currency: string;
}

/** The close window of one entity for one period, in the entity's local time. */
export interface CloseWindow {
  entity: string;
  /** 'YYYY-MM' */
  period: string;
  /** 'YYYY-MM-DDTHH:mm', local to the entity's time zone. */
  opensLocal: string;
  closesLocal: string;
}

export interface CloseCalendar {
  entities: CalendarEntity[];
  windows: CloseWindow[];
}

/** Two entities that book intercompany entries against each other. */
export type IntercompanyPair = readonly [string, string];

/** A close window resolved to UTC instants. */
export interface ResolvedWindow extends CloseWindow {
  opensUtc: string;
  closesUtc: string;
  opensMs: number;
  closesMs: number;
}

export type CloseWindowConflictKind = 'overlap' | 'out_of_order' | 'missing_counterpart';

export interface CloseWindowConflict {
  kind: CloseWindowConflictKind;
  /** The intercompany pair, as given. */
  entities: readonly [string, string];
  /** Period of the first window involved. */
  period: string;
  /** The windows involved (one for missing_counterpart). */
  windows: ResolvedWindow[];
  /** A sentence a controller can act on. */
  detail: string;
}
