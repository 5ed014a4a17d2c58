/** The recon state as the audit events alone say it must be. */
export interface ReplayedMatch {
  state: string;
  decidedBy: string | null;
  entryIds: number[];
  seq: number;
}

export interface ReplayedEscalation {
  state: string;
  action: string;
  subjectKind: 'match' | 'period' | 'import';
  subjectId: string;
  requestedBy: string;
  resolvedBy: string | null;
  /** actor -> vote, in the order cast. */
  votes: Map<string, string>;
  seq: number;
}

export interface ReplayedPeriod {
  state: string;
  closedBy: string | null;
  seq: number;
}

export interface ReplayedState {
  matches: Map<number, ReplayedMatch>;
  /** Entries some event moved; every other entry must still be unmatched. */
  entries: Map<number, { state: string; seq: number }>;
  escalations: Map<number, ReplayedEscalation>;
  /** Key `ENTITY|YYYY-MM`; a period no event touched must be open. */
  periods: Map<string, ReplayedPeriod>;
  exceptions: Map<number, { entryId: number; state: string; seq: number }>;
  /** Import batch -> entries it added (DEMO_SEEDED, ENTRIES_IMPORTED). */
  importedByBatch: Map<string, number>;
  /** Events read, and events whose payload lacked what replay needs. */
  events: number;
  unreadable: { seq: number; type: string; why: string }[];
}

/** One row whose stored value differs from what the events say. */
export interface StateDifference {
  table: string;
  /** Row id (`ENTITY|PERIOD` for periods, `ESCALATION/ACTOR` for votes, batch name for entry counts). */
  id: string;
  column: string;
  /** What the events say (null: the row should not exist). */
  expected: unknown;
  /** What the table holds (null: the row is missing). */
  actual: unknown;
  /** The last event that set the expected value, if any. */
  seq?: number;
}

export interface StateReplayReport {
  ok: boolean;
  events: number;
  checked: {
    matches: number;
    entries: number;
    escalations: number;
    votes: number;
    periods: number;
    exceptions: number;
  };
  /** Total differences found; `differences` lists the first {@link MAX_LISTED}. */
  differenceCount: number;
  differences: StateDifference[];
  unreadable: ReplayedState['unreadable'];
}

export const MAX_LISTED = 1000;

export function emptyState(): ReplayedState {
  return {
    matches: new Map(),
    entries: new Map(),
    escalations: new Map(),
    periods: new Map(),
    exceptions: new Map(),
    importedByBatch: new Map(),
    events: 0,
    unreadable: [],
  };
}
