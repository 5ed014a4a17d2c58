import type Database from 'better-sqlite3';
import { hashBodySql, type hashBody } from './hash-format.js';

/** Rows per read. Small enough for cache and constant memory, large enough to amortise the call. */
export const VERIFY_CHUNK_ROWS = 2048;

/** First problem met in a range; classified by verify.ts. */
export interface Break {
  kind: 'gap' | 'link' | 'hash';
  seq: number;
  storedPrev: unknown;
}

/** One contiguous seq range to check: rows with after < seq <= upTo. */
export interface RangeSpec {
  after: number;
  /** Inclusive upper bound; Number.MAX_SAFE_INTEGER for "to the end". */
  upTo: number;
  /** The seq the first row must have. */
  expectedSeq: number;
  /** Hash the first row's prev_hash must equal; null when an earlier range owns it (checked at the seam). */
  prevHash: string | null;
  /** Remember the hash stored at this seq (expectHead), -1 for none. */
  watchSeq: number;
}

export interface RangeResult {
  /** Rows verified before any break. */
  count: number;
  /** prev_hash stored in the range's first row (for the seam check), undefined when no row was read. */
  firstPrev: unknown;
  lastSeq: number;
  lastHash: string | null;
  hashAtWatched: string | null;
  broken: Break | null;
}

/** SQL for one chunk: [seq, prev_hash, hash, canonical event JSON built by SQLite]. */
export function fastChunkSql(table: string): string {
  return `SELECT seq, prev_hash, hash, ${hashBodySql()} FROM ${table} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${VERIFY_CHUNK_ROWS}`;
}

/** Same rows, raw columns, for the JS fallback (a BLOB makes json_quote fail). */
export function slowChunkSql(table: string): string {
  return `SELECT seq, prev_hash, hash, seq, event_id, ts, actor, type, payload FROM ${table} WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ${VERIFY_CHUNK_ROWS}`;
}

export interface WalkDeps {
  fast: Database.Statement;
  slow: Database.Statement;
  sha256Hex: (text: string) => string;
  hashBody: typeof hashBody;
}

/**
 * The hot loop. Per row: seq = previous + 1 (else gap), prev_hash = previous
 * hash (else link), sha256(prev_hash + body) = hash (else hash).
 *
 * Self-contained on purpose (no module-level references, no inner
 * functions): verify-parallel.ts ships its source text to worker threads.
 */
export function walkRange(
  deps: WalkDeps,
  spec: RangeSpec,
  onChunk: ((lastSeq: number, count: number) => void) | undefined,
): RangeResult {
  const result: RangeResult = {
    count: 0,
    firstPrev: undefined,
    lastSeq: spec.expectedSeq - 1,
    lastHash: spec.prevHash,
    hashAtWatched: null,
    broken: null,
  };
  let expectedSeq = spec.expectedSeq;
  let prevHash = spec.prevHash;
  let after = spec.after;
  for (;;) {
    let rows: unknown[][];
    try {
      rows = deps.fast.all(after, spec.upTo) as unknown[][];
    } catch (err) {
      if (!(err instanceof Error) || !/BLOB/i.test(err.message)) throw err;
      rows = deps.slow.all(after, spec.upTo) as unknown[][];
      for (const r of rows) r[3] = deps.hashBody(r[3], r[4], r[5], r[6], r[7], r[8]);
    }
    if (rows.length === 0) break;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as [number, unknown, unknown, unknown];
      const seq = row[0];
      const storedPrev = row[1];
      const stored = row[2];
      if (seq !== expectedSeq) {
        result.broken = { kind: 'gap', seq: seq < expectedSeq ? seq : expectedSeq, storedPrev };
        break;
      }
      if (prevHash === null) {
        result.firstPrev = storedPrev;
        prevHash = typeof storedPrev === 'string' ? storedPrev : '';
      } else if (storedPrev !== prevHash) {
        result.broken = { kind: 'link', seq, storedPrev };
        break;
      }
      if (typeof stored !== 'string' || deps.sha256Hex(prevHash + String(row[3])) !== stored) {
        result.broken = { kind: 'hash', seq, storedPrev };
        break;
      }
      if (seq === spec.watchSeq) result.hashAtWatched = stored;
      prevHash = stored;
      expectedSeq = seq + 1;
    }
    result.count = expectedSeq - spec.expectedSeq;
    result.lastSeq = expectedSeq - 1;
    result.lastHash = prevHash;
    if (result.broken !== null) return result;
    after = rows[rows.length - 1]![0] as number;
    if (onChunk !== undefined) onChunk(result.lastSeq, result.count);
  }
  if (spec.upTo !== Number.MAX_SAFE_INTEGER && result.lastSeq < spec.upTo) {
    result.broken = { kind: 'gap', seq: result.lastSeq + 1, storedPrev: undefined };
  }
  return result;
}
