import { IllegalTransitionError } from '../errors.js';

export const ENTRY_STATES = ['unmatched', 'proposed', 'matched', 'exception'] as const;
export const MATCH_STATES = ['proposed', 'pending_approval', 'confirmed', 'rejected'] as const;
export const PERIOD_STATES = ['open', 'closing', 'closed'] as const;

export type EntryState = (typeof ENTRY_STATES)[number];
export type MatchState = (typeof MATCH_STATES)[number];
export type PeriodState = (typeof PERIOD_STATES)[number];

type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

/**
 * Entry (a ledger, sub-ledger or bank line):
 * unmatched -> proposed (a match names it) | exception (flagged);
 * proposed -> matched (match confirmed) | unmatched (match rejected) | exception;
 * exception -> unmatched (exception cleared) | proposed (matched by hand);
 * matched is final: undoing a confirmed match is a new reversing entry, not a state change.
 */
export const ENTRY_TRANSITIONS: TransitionTable<EntryState> = deepFreeze({
  unmatched: ['proposed', 'exception'],
  proposed: ['matched', 'unmatched', 'exception'],
  matched: [],
  exception: ['unmatched', 'proposed'],
});

/**
 * Match: proposed -> confirmed | rejected | pending_approval (escalated to a human);
 * pending_approval -> confirmed | rejected; confirmed and rejected are final.
 */
export const MATCH_TRANSITIONS: TransitionTable<MatchState> = deepFreeze({
  proposed: ['pending_approval', 'confirmed', 'rejected'],
  pending_approval: ['confirmed', 'rejected'],
  confirmed: [],
  rejected: [],
});

/**
 * Period: open -> closing -> closed; closing -> open aborts a close.
 * closed is final: posting into a closed period is a T3 action, not a reopening.
 */
export const PERIOD_TRANSITIONS: TransitionTable<PeriodState> = deepFreeze({
  open: ['closing'],
  closing: ['closed', 'open'],
  closed: [],
});

export const TRANSITION_TABLES = Object.freeze({
  entry: ENTRY_TRANSITIONS,
  match: MATCH_TRANSITIONS,
  period: PERIOD_TRANSITIONS,
});

export type StateMachine = keyof typeof TRANSITION_TABLES;

function deepFreeze<T extends Record<string, readonly string[]>>(table: T): Readonly<T> {
  for (const targets of Object.values(table)) Object.freeze(targets);
  return Object.freeze(table);
}

function hasState(table: Readonly<Record<string, readonly string[]>>, state: unknown): state is string {
  return typeof state === 'string' && Object.prototype.hasOwnProperty.call(table, state);
}

/** True when `machine` allows `from` -> `to`. Unknown states are never allowed. */
export function canTransition(machine: StateMachine, from: string, to: string): boolean {
  const table: Readonly<Record<string, readonly string[]>> = TRANSITION_TABLES[machine];
  return hasState(table, from) && hasState(table, to) && table[from]!.includes(to);
}

/** Throws IllegalTransitionError (STATE_ILLEGAL_TRANSITION) unless `from` -> `to` is in the table. */
export function assertTransition(machine: StateMachine, from: string, to: string): void {
  if (!Object.prototype.hasOwnProperty.call(TRANSITION_TABLES, machine)) {
    throw new IllegalTransitionError(
      String(machine),
      from,
      to,
      `unknown state machine ${JSON.stringify(machine)}`,
    );
  }
  if (canTransition(machine, from, to)) return;
  const table: Readonly<Record<string, readonly string[]>> = TRANSITION_TABLES[machine];
  const allowed = hasState(table, from)
    ? table[from]!.join(', ') || 'none (final state)'
    : 'none (unknown state)';
  throw new IllegalTransitionError(
    machine,
    from,
    to,
    `illegal ${machine} transition ${JSON.stringify(from)} -> ${JSON.stringify(to)}; allowed from ${JSON.stringify(from)}: ${allowed}`,
  );
}

export function assertEntryTransition(from: EntryState, to: EntryState): void {
  assertTransition('entry', from, to);
}

export function assertMatchTransition(from: MatchState, to: MatchState): void {
  assertTransition('match', from, to);
}

export function assertPeriodTransition(from: PeriodState, to: PeriodState): void {
  assertTransition('period', from, to);
}
