import { AuditChainError, type AuditErrorCode } from '../errors.js';

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an ISO-8601 date-time with `Z` or a `±HH:MM` offset and returns it
 * in UTC in the `Date.prototype.toISOString()` form (`YYYY-MM-DDTHH:MM:SS.sssZ`,
 * milliseconds, always 24 characters). One fixed form keeps `ts` ordering
 * equal to string ordering, which the `ts` index and range queries rely on.
 * Sub-millisecond digits are truncated.
 */
export function normalizeUtcTimestamp(value: unknown, what: string, code: AuditErrorCode): string {
  if (typeof value === 'string' && isCanonicalUtc(value)) return value;
  return parseAndNormalize(value, what, code);
}

/** The stored form `YYYY-MM-DDTHH:MM:SS.sssZ`, exactly as toISOString writes it. */
const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let lastCanonical = '';

/**
 * Fast path for the common case (callers pass `new Date().toISOString()`):
 * a value already in the stored form is valid iff it round-trips through
 * Date unchanged (an impossible day such as 02-30 does not). The last value
 * that passed is remembered: a recon pass stamps many events with one `now`.
 */
function isCanonicalUtc(value: string): boolean {
  if (value === lastCanonical) return true;
  if (!CANONICAL_UTC.test(value)) return false;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== value) return false;
  lastCanonical = value;
  return true;
}

function parseAndNormalize(value: unknown, what: string, code: AuditErrorCode): string {
  const m = typeof value === 'string' ? ISO_8601.exec(value) : null;
  const fail = (): never => {
    throw new AuditChainError(
      code,
      `${what} must be an ISO-8601 date-time with Z or ±HH:MM (e.g. 2026-01-31T23:59:59.000Z), got ${JSON.stringify(value)}`,
    );
  };
  if (m === null) return fail();
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Number(((m[7] ?? '') + '000').slice(0, 3));
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  local.setUTCFullYear(y); // Date.UTC maps years 0..99 to 1900..1999
  const fieldsValid =
    local.getUTCFullYear() === y &&
    local.getUTCMonth() === mo - 1 &&
    local.getUTCDate() === d &&
    local.getUTCHours() === h &&
    local.getUTCMinutes() === mi &&
    local.getUTCSeconds() === s;
  if (!fieldsValid) return fail();
  const offsetMinutes = offsetOf(m, fail);
  const utc = new Date(local.getTime() - offsetMinutes * 60_000);
  const year = utc.getUTCFullYear();
  if (year < 0 || year > 9999) return fail();
  return utc.toISOString();
}

function offsetOf(m: RegExpExecArray, fail: () => never): number {
  if (m[8] === 'Z') return 0;
  const hours = Number(m[10]);
  const minutes = Number(m[11]);
  if (hours > 23 || minutes > 59) fail();
  return (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
}
