import { assertEntryTransition, assertMatchTransition } from 'closegate-policy';
import type { Entry, EntryState, MatchRecord, MatchState } from '../domain.js';
import { NotFoundError } from '../errors.js';
import type { EngineContext } from './context.js';

/** Moves a match through its state machine (an illegal move throws IllegalTransitionError). */
export function moveMatch(
  ctx: EngineContext,
  match: MatchRecord,
  to: MatchState,
  decidedBy: string | null,
  rationale: string | null,
  now: string,
): void {
  assertMatchTransition(match.state, to);
  ctx.store.matches.setState(match.id, to, decidedBy, rationale, now);
}

/**
 * Moves entries through their state machine. `known` may carry the entries
 * as just read in this transaction (saves a read per line); their `state`
 * is updated in place.
 */
export function moveEntries(
  ctx: EngineContext,
  entryIds: readonly number[],
  to: EntryState,
  known?: readonly Entry[],
): void {
  for (const id of entryIds) {
    const e = known?.find((k) => k.id === id) ?? ctx.store.entries.get(id);
    if (e === undefined) throw new NotFoundError('entry', id);
    if (e.state === to) continue;
    assertEntryTransition(e.state, to);
    ctx.store.entries.setState(id, to);
    if (known !== undefined) e.state = to;
  }
}

export function loadMatch(ctx: EngineContext, id: number): MatchRecord {
  const m = ctx.store.matches.get(id);
  if (m === undefined) throw new NotFoundError('match', id);
  return m;
}
