import { ActorError } from '../errors.js';

export const ACTOR_KINDS = ['human', 'llm', 'engine'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export interface Actor {
  kind: ActorKind;
  id: string;
  /** The string it was parsed from, e.g. 'human:alice'. */
  raw: string;
}

export const ACTOR_PATTERN = /^(human|llm|engine):([A-Za-z0-9._@-]{1,64})$/;

/**
 * Actors already parsed (frozen, so shared safely): the gate parses the
 * same few actors on every decision. Bounded, so a stream of distinct
 * actors cannot grow it without limit (past it, parsed each time).
 */
const PARSED_MAX = 1024;
const parsed = new Map<string, Actor>();

/** Parses 'human:<id>', 'llm:<id>' or 'engine:<id>'; anything else is ActorError ACTOR_INVALID. */
export function parseActor(value: unknown): Actor {
  if (typeof value === 'string') {
    const known = parsed.get(value);
    if (known !== undefined) return known;
  }
  const actor = parseUncached(value);
  if (parsed.size < PARSED_MAX) parsed.set(actor.raw, actor);
  return actor;
}

function parseUncached(value: unknown): Actor {
  const match = typeof value === 'string' ? ACTOR_PATTERN.exec(value) : null;
  if (!match) {
    throw new ActorError(
      'ACTOR_INVALID',
      `actor must look like human:<id>, llm:<id> or engine:<id> (id: 1-64 of A-Z a-z 0-9 . _ @ -), got ${JSON.stringify(
        typeof value === 'string' ? value.slice(0, 80) : typeof value,
      )}`,
    );
  }
  return Object.freeze({ kind: match[1] as ActorKind, id: match[2]!, raw: value as string });
}

/**
 * True when two actors are the same principal. Ids compare case-insensitively
 * on purpose: identity providers often do, and treating 'human:Alice' and
 * 'human:alice' as two people would let one person satisfy a two-person rule.
 */
export function sameActor(a: Actor, b: Actor): boolean {
  return a.kind === b.kind && a.id.toLowerCase() === b.id.toLowerCase();
}

export function isHuman(actor: Actor): boolean {
  return actor.kind === 'human';
}
