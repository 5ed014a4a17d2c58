import { AuditChainError } from '../errors.js';
import { normalizeUtcTimestamp } from './timestamp.js';
import type { AuditRecord, QueryFilter } from './types.js';

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 1000;

export interface CompiledQuery {
  sql: string;
  params: (string | number)[];
}

/** Filter → parameterised SQL (values never interpolated), seq ascending. */
export function compileQuery(table: string, filter: QueryFilter = {}): CompiledQuery {
  if (typeof filter !== 'object' || filter === null) invalid('filter must be an object');
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | number): void => {
    where.push(clause);
    params.push(value);
  };
  if (filter.actor !== undefined) add('actor = ?', text(filter.actor, 'actor'));
  if (filter.type !== undefined) add('type = ?', text(filter.type, 'type'));
  if (filter.since !== undefined)
    add('ts >= ?', normalizeUtcTimestamp(filter.since, 'since', 'AUDIT_INVALID_QUERY'));
  if (filter.until !== undefined)
    add('ts < ?', normalizeUtcTimestamp(filter.until, 'until', 'AUDIT_INVALID_QUERY'));
  if (filter.afterSeq !== undefined) add('seq > ?', nonNegativeInt(filter.afterSeq, 'afterSeq'));
  const limit = limitOf(filter.limit);
  const whereSql = where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  return {
    sql: `SELECT seq, event_id, ts, actor, type, payload, prev_hash, hash FROM ${table}${whereSql} ORDER BY seq LIMIT ${limit}`,
    params,
  };
}

export interface StoredRow {
  seq: number;
  event_id: string;
  ts: string;
  actor: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

export function toRecord(row: StoredRow): AuditRecord {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(row.payload) as Record<string, unknown>;
  } catch (err) {
    throw new AuditChainError(
      'AUDIT_CORRUPT_ROW',
      `seq ${row.seq}: stored payload is not valid JSON (run verify)`,
      {
        cause: err,
      },
    );
  }
  return {
    seq: row.seq,
    eventId: row.event_id,
    ts: row.ts,
    actor: row.actor,
    type: row.type,
    payload,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    invalid(`${field} must be a non-empty string of at most 256 characters`);
  }
  return value;
}

function nonNegativeInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    invalid(`${field} must be a non-negative integer`);
  }
  return value;
}

function limitOf(value: unknown): number {
  if (value === undefined) return DEFAULT_QUERY_LIMIT;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_QUERY_LIMIT) {
    invalid(`limit must be an integer from 1 to ${MAX_QUERY_LIMIT}`);
  }
  return value;
}

function invalid(message: string): never {
  throw new AuditChainError('AUDIT_INVALID_QUERY', `invalid audit query: ${message}`);
}
