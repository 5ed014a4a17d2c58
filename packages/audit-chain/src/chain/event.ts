import { canonicalJson } from '../canonical/canonical-json.js';
import { AuditChainError, CanonicalJsonError } from '../errors.js';
import { timeOrderedUuid } from './event-id.js';
import { normalizeUtcTimestamp } from './timestamp.js';

/** What a caller hands to `append`. */
export interface AuditEventInput {
  type: string;
  actor: string;
  payload: Record<string, unknown>;
  /** ISO-8601; stored normalised to UTC `toISOString()` form. Default: now. */
  ts?: string;
  /** Unique across the table. Default: a time-ordered UUIDv7 (see event-id.ts). */
  eventId?: string;
}

/** A validated event, payload already in canonical JSON. */
export interface PreparedEvent {
  type: string;
  actor: string;
  payloadJson: string;
  ts: string;
  eventId: string;
}

const MAX_TYPE = 128;
const MAX_ACTOR = 256;
/** Printable ASCII without space: safe in logs, CLIs and URLs. */
const EVENT_ID = /^[\x21-\x7e]{1,128}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Types and actors that passed {@link label}, per field: they repeat from
 * event to event, and a known one skips the pattern tests. Bounded like the
 * hash format's quoted labels (past it, each is checked every time).
 */
const KNOWN_LABELS_MAX = 1024;
const knownTypes = new Set<string>();
const knownActors = new Set<string>();

export function prepareEvent(event: AuditEventInput): PreparedEvent {
  if (typeof event !== 'object' || event === null) invalid('event must be an object');
  const type = knownLabel(event.type, 'type', MAX_TYPE, knownTypes);
  const actor = knownLabel(event.actor, 'actor', MAX_ACTOR, knownActors);
  const payloadJson = payloadOf(event.payload);
  const ts =
    event.ts === undefined
      ? new Date().toISOString()
      : normalizeUtcTimestamp(event.ts, 'event ts', 'AUDIT_INVALID_EVENT');
  const eventId = event.eventId === undefined ? timeOrderedUuid() : eventIdOf(event.eventId);
  return { type, actor, payloadJson, ts, eventId };
}

/** {@link label}, remembered: a string that passed once passes again (the checks depend on nothing else). */
function knownLabel(value: unknown, field: string, max: number, known: Set<string>): string {
  if (typeof value === 'string' && known.has(value)) return value;
  const checked = label(value, field, max);
  if (known.size < KNOWN_LABELS_MAX) known.add(checked);
  return checked;
}

/**
 * Text columns are stored as UTF-8 by SQLite; a lone surrogate would be
 * replaced on the way in and the stored row would no longer match its hash,
 * so such strings are refused up front, as are control characters.
 */
function label(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    invalid(`${field} must be a non-empty string of at most ${max} characters`);
  }
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    invalid(`${field} must not contain control characters or unpaired surrogates`);
  }
  if (value.trim() !== value) invalid(`${field} must not start or end with whitespace`);
  return value;
}

function payloadOf(payload: unknown): string {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    invalid('payload must be a plain object (use {} for none)');
  }
  try {
    return canonicalJson(payload);
  } catch (err) {
    if (err instanceof CanonicalJsonError) invalid(`payload ${err.message}`, err);
    throw err;
  }
}

function eventIdOf(value: unknown): string {
  if (typeof value !== 'string' || !EVENT_ID.test(value)) {
    invalid('eventId must be 1-128 printable ASCII characters without spaces');
  }
  return value;
}

function invalid(message: string, cause?: unknown): never {
  throw new AuditChainError('AUDIT_INVALID_EVENT', `invalid audit event: ${message}`, { cause });
}
