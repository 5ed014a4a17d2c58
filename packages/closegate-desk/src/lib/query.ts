/**
 * Filters <-> query strings. The inbox's filters live in the URL (so a
 * reviewer can share or reload a view) and are sent to /api unchanged:
 * empty values are dropped, keys are emitted in a stable order.
 */

export type FilterValue = string | number | boolean | null | undefined;
export type Filters = Record<string, FilterValue>;

export function toQueryString(filters: Filters): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(filters).sort()) {
    const value = filters[key];
    if (value === undefined || value === null || value === '' || value === false) continue;
    params.set(key, String(value).trim());
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Parse a query string back into string filters (everything arrives as text). */
export function fromQueryString(query: string): Record<string, string> {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (value !== '') out[key] = value;
  return out;
}

/** Keep only the keys a page knows, so a hand-edited URL cannot inject others. */
export function pickKnown<K extends string>(
  input: Record<string, string>,
  known: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of known) if (input[key] !== undefined) out[key] = input[key];
  return out;
}

/** Toggle a sort: same column flips direction, a new column starts ascending. */
export function nextSort(
  current: { sort: string; dir: 'asc' | 'desc' },
  column: string,
): { sort: string; dir: 'asc' | 'desc' } {
  if (current.sort === column) return { sort: column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { sort: column, dir: 'asc' };
}
