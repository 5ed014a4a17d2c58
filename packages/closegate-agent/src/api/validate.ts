import type { z } from 'zod';
import { ApiHttpError } from './errors.js';

/** Parses a query string or body with a contract schema; failures are INVALID_REQUEST with the fields. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 10)
    .map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new ApiHttpError(
    'INVALID_REQUEST',
    `invalid request: ${issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')}`,
    { issues },
  );
}

/** Query parameters as an object; a parameter given twice is refused (ambiguous). */
export function queryObject(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k in out) throw new ApiHttpError('INVALID_REQUEST', `query parameter ${k} given twice`);
    out[k] = v;
  }
  return out;
}

export function idParam(raw: string | undefined): number {
  if (raw === undefined || !/^[1-9]\d{0,14}$/.test(raw)) throw new ApiHttpError('NOT_FOUND', 'no such id');
  return Number(raw);
}

/** Drops undefined members (the engine's strict schemas refuse explicit undefined-as-null). */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
