/**
 * A minimal hash router: "#/escalations/12?x=1" -> { name, params, query }.
 * Hash routing keeps the service's static handler trivial (one index.html).
 */
import { reactive } from 'vue';
import { fromQueryString, toQueryString, type Filters } from './lib/query';

export interface Route {
  name: string;
  params: Record<string, string>;
  query: Record<string, string>;
}

const PATTERNS: { name: string; re: RegExp; keys: string[] }[] = [
  { name: 'inbox', re: /^\/(?:inbox)?$/, keys: [] },
  { name: 'escalation', re: /^\/escalations\/(\d+)$/, keys: ['id'] },
  { name: 'exceptions', re: /^\/exceptions$/, keys: [] },
  { name: 'status', re: /^\/status$/, keys: [] },
  { name: 'audit', re: /^\/audit$/, keys: [] },
  { name: 'calendar', re: /^\/calendar$/, keys: [] },
  { name: 'agent', re: /^\/agent$/, keys: [] },
];

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = raw.split('?', 2);
  for (const p of PATTERNS) {
    const m = p.re.exec(path);
    if (m) {
      const params = Object.fromEntries(p.keys.map((k, i) => [k, m[i + 1] ?? '']));
      return { name: p.name, params, query: fromQueryString(query) };
    }
  }
  return { name: 'not-found', params: {}, query: {} };
}

export function href(path: string, query: Filters = {}): string {
  return `#${path}${toQueryString(query)}`;
}

export const route = reactive<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));

export function startRouter(): void {
  window.addEventListener('hashchange', () => Object.assign(route, parseHash(location.hash)));
}

export function navigate(path: string, query: Filters = {}): void {
  location.hash = href(path, query).slice(1);
}
