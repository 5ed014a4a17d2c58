import crypto from 'node:crypto';

/**
 * Default event ids: UUIDv7 (RFC 9562) — 48-bit Unix milliseconds, a 12-bit
 * counter, then 62 random bits. Ids made by one process are strictly
 * increasing, so each insert lands at the right edge of the UNIQUE
 * `event_id` index instead of on a random page: random v4 ids made a
 * 1000-event transaction dirty (and write to the WAL) about one index page
 * per event once the index outgrew the page cache. The 62 random bits keep
 * ids unguessable and unique across processes.
 */

const IDS_PER_REFILL = 256;
const RANDOM_BYTES_PER_ID = 8;
const pool = Buffer.alloc(IDS_PER_REFILL * RANDOM_BYTES_PER_ID);
let poolNext = IDS_PER_REFILL;

let lastMs = -1;
let counter = 0;
const COUNTER_MAX = 0xfff;
/** A fresh millisecond seeds the counter below half its range, leaving room to count up. */
const COUNTER_SEED_MASK = 0x7ff;

function randomOffset(): number {
  if (poolNext === IDS_PER_REFILL) {
    crypto.randomFillSync(pool);
    poolNext = 0;
  }
  return poolNext++ * RANDOM_BYTES_PER_ID;
}

/** Next (ms, counter) pair, strictly increasing even if the clock stalls or steps back. */
function tick(now: number): void {
  if (now > lastMs) {
    lastMs = now;
    counter = pool.readUInt16BE(randomOffset()) & COUNTER_SEED_MASK;
  } else if (++counter > COUNTER_MAX) {
    lastMs++;
    counter = 0;
  }
}

/** The id's first 15 characters ("tttttttt-tttt-7") for `prefixMs`: a burst of events shares one millisecond. */
let prefixMs = -1;
let prefix = '';

export function timeOrderedUuid(now: number = Date.now()): string {
  tick(now);
  const at = randomOffset();
  pool[at] = (pool[at]! & 0x3f) | 0x80; // RFC 9562 variant bits 10
  if (prefixMs !== lastMs) {
    const ms = lastMs.toString(16).padStart(12, '0');
    prefix = `${ms.slice(0, 8)}-${ms.slice(8)}-7`;
    prefixMs = lastMs;
  }
  const rand = pool.toString('hex', at, at + RANDOM_BYTES_PER_ID);
  return `${prefix}${counter.toString(16).padStart(3, '0')}-${rand.slice(0, 4)}-${rand.slice(4)}`;
}
