import { FxError } from '../errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (rejects 2026-02-30). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function assertFxDate(value: unknown, what: string): string {
  if (!isIsoDate(value)) {
    throw new FxError(
      'FX_INVALID_DATE',
      `${what} must be a date written YYYY-MM-DD, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
