import { describe, expect, it } from 'vitest';
import {
  ENTRY_STATES,
  ENTRY_TRANSITIONS,
  IllegalTransitionError,
  MATCH_STATES,
  MATCH_TRANSITIONS,
  PERIOD_STATES,
  PERIOD_TRANSITIONS,
  TRANSITION_TABLES,
  assertEntryTransition,
  assertMatchTransition,
  assertPeriodTransition,
  assertTransition,
  canTransition,
  type EntryState,
  type MatchState,
  type PeriodState,
  type StateMachine,
} from '../src/index.js';

const LEGAL: Record<StateMachine, string[]> = {
  entry: [
    'unmatched>proposed',
    'unmatched>exception',
    'proposed>matched',
    'proposed>unmatched',
    'proposed>exception',
    'exception>unmatched',
    'exception>proposed',
  ],
  match: [
    'proposed>pending_approval',
    'proposed>confirmed',
    'proposed>rejected',
    'pending_approval>confirmed',
    'pending_approval>rejected',
  ],
  period: ['open>closing', 'closing>closed', 'closing>open'],
};

const STATES: Record<StateMachine, readonly string[]> = {
  entry: ENTRY_STATES,
  match: MATCH_STATES,
  period: PERIOD_STATES,
};

describe('state machines', () => {
  for (const machine of Object.keys(LEGAL) as StateMachine[]) {
    it(`${machine}: allows exactly the listed transitions`, () => {
      for (const from of STATES[machine]) {
        for (const to of STATES[machine]) {
          const legal = LEGAL[machine].includes(`${from}>${to}`);
          expect(canTransition(machine, from, to)).toBe(legal);
          if (legal) {
            expect(() => assertTransition(machine, from, to)).not.toThrow();
          } else {
            expect(() => assertTransition(machine, from, to)).toThrow(IllegalTransitionError);
          }
        }
      }
    });
  }

  it('throws a typed error naming the transition', () => {
    try {
      assertMatchTransition('confirmed', 'proposed');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(IllegalTransitionError);
      const typed = error as IllegalTransitionError;
      expect(typed.code).toBe('STATE_ILLEGAL_TRANSITION');
      expect([typed.machine, typed.from, typed.to]).toEqual(['match', 'confirmed', 'proposed']);
      expect(typed.message).toContain('final state');
    }
  });

  it('rejects the illegal moves that matter', () => {
    expect(() => assertPeriodTransition('closed', 'open')).toThrow(IllegalTransitionError); // reopen
    expect(() => assertPeriodTransition('open', 'closed')).toThrow(IllegalTransitionError); // skip closing
    expect(() => assertMatchTransition('rejected', 'confirmed')).toThrow(IllegalTransitionError);
    expect(() => assertMatchTransition('proposed', 'proposed')).toThrow(IllegalTransitionError);
    expect(() => assertEntryTransition('matched', 'unmatched')).toThrow(IllegalTransitionError);
    expect(() => assertEntryTransition('unmatched', 'matched')).toThrow(IllegalTransitionError);
  });

  it('rejects unknown states and machines, including prototype names', () => {
    expect(() => assertEntryTransition('unmatched', 'deleted' as EntryState)).toThrow(IllegalTransitionError);
    expect(() => assertMatchTransition('constructor' as MatchState, 'confirmed')).toThrow(
      IllegalTransitionError,
    );
    expect(() => assertPeriodTransition('__proto__' as PeriodState, 'open')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('ledger' as StateMachine, 'a', 'b')).toThrow(IllegalTransitionError);
    expect(canTransition('match', 'toString', 'confirmed')).toBe(false);
  });

  it('exports frozen tables', () => {
    expect(TRANSITION_TABLES).toEqual({
      entry: ENTRY_TRANSITIONS,
      match: MATCH_TRANSITIONS,
      period: PERIOD_TRANSITIONS,
    });
    expect(Object.isFrozen(MATCH_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(MATCH_TRANSITIONS.proposed)).toBe(true);
    expect(() => (PERIOD_TRANSITIONS.closed as PeriodState[]).push('open')).toThrow(TypeError);
  });
});
