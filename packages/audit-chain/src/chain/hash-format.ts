import crypto from 'node:crypto';

/**
 * `prev_hash` of the first event (seq 1): 64 ASCII zeros, i.e. the hex
 * rendering of 32 zero bytes.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored columns that one event's hash covers (payload as stored text). */
export interface HashedFields {
  seq: number;
  eventId: string;
  ts: string;
  actor: string;
  type: string;
  /** The canonical JSON text exactly as stored in the `payload` column. */
  payloadJson: string;
}

/**
 * The exact text hashed for one event:
 *
 *   prev_hash || canonical_json({actor, event_id, payload, seq, ts, type})
 *
 * `prev_hash` is the previous event's `hash` (lower-case hex, 64 chars) or
 * {@link GENESIS_HASH}; `||` is plain concatenation, no separator. The
 * object's keys are already in canonical (sorted) order, so it is written
 * directly: strings through `JSON.stringify`, `seq` as a decimal integer and
 * `payload` as the stored canonical JSON text, byte for byte.
 */
export function hashInput(prevHash: string, f: HashedFields): string {
  return hashText(prevHash, f.seq, f.eventId, f.ts, f.actor, f.type, f.payloadJson);
}

/**
 * Positional form of {@link hashInput} (no object per row), for appends:
 * the same text as `prevHash + hashBody(...)`, built with less garbage.
 * Actors and event types repeat, so their quoted form is kept; an id or
 * timestamp with nothing to escape is quoted by hand.
 */
export function hashText(
  prevHash: string,
  seq: number,
  eventId: string,
  ts: string,
  actor: string,
  type: string,
  payloadJson: string,
): string {
  return `${prevHash}{"actor":${quotedLabel(actor)},"event_id":${quoted(eventId)},"payload":${payloadJson},"seq":${seq},"ts":${quotedTs(ts)},"type":${quotedLabel(type)}}`;
}

/** The last timestamp quoted: events appended together mostly share one `ts`. */
let lastTs = '';
let lastTsQuoted = '""';

function quotedTs(ts: string): string {
  if (ts !== lastTs) {
    lastTsQuoted = quoted(ts);
    lastTs = ts;
  }
  return lastTsQuoted;
}

/** Printable ASCII without `"` and `\`: JSON.stringify would only add the quotes. */
const NOTHING_TO_ESCAPE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function quoted(s: string): string {
  return NOTHING_TO_ESCAPE.test(s) ? `"${s}"` : JSON.stringify(s);
}

/** Bounded: a stream of distinct actors must not grow it without limit (past it, quoted each time). */
const QUOTED_LABELS_MAX = 1024;
const quotedLabels = new Map<string, string>();

function quotedLabel(label: string): string {
  let q = quotedLabels.get(label);
  if (q === undefined) {
    q = JSON.stringify(label);
    if (quotedLabels.size < QUOTED_LABELS_MAX) quotedLabels.set(label, q);
  }
  return q;
}

/** {@link hashInput} without the leading prev_hash: the canonical JSON of the event. */
export function hashBody(
  seq: unknown,
  eventId: unknown,
  ts: unknown,
  actor: unknown,
  type: unknown,
  payloadJson: unknown,
): string {
  return (
    '{"actor":' +
    JSON.stringify(actor) +
    ',"event_id":' +
    JSON.stringify(eventId) +
    ',"payload":' +
    String(payloadJson) +
    ',"seq":' +
    String(seq) +
    ',"ts":' +
    JSON.stringify(ts) +
    ',"type":' +
    JSON.stringify(type) +
    '}'
  );
}

/**
 * The same text built by SQLite, for the verify loop: fewer JS strings per
 * row is what makes verify fast. `json_quote` escapes exactly as
 * `JSON.stringify` for every text value (tested over all code points); a
 * value of another storage class (only a tampered row has one) yields a text
 * that cannot match, or an error that sends the chunk to the JS path.
 */
export function hashBodySql(): string {
  return (
    `'{"actor":' || json_quote(actor) || ',"event_id":' || json_quote(event_id) || ` +
    `',"payload":' || payload || ',"seq":' || seq || ',"ts":' || json_quote(ts) || ` +
    `',"type":' || json_quote(type) || '}'`
  );
}

/** `hash = lower-case hex of SHA-256 over the UTF-8 bytes of hashInput(...)`. */
export function eventHash(prevHash: string, f: HashedFields): string {
  return sha256Hex(hashInput(prevHash, f));
}

const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/** One-shot SHA-256 (crypto.hash when the runtime has it: no Hash object). */
export const sha256Hex: (text: string) => string =
  typeof oneShot === 'function'
    ? (text) => oneShot('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
