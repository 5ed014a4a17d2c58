import { vi } from 'vitest';

/** A fake /api for component tests: answers by "METHOD path" and records every call. */
export function fakeApi(routes: Record<string, (body: unknown) => { status?: number; json: unknown }>) {
  const calls: { method: string; path: string; body: unknown; headers: Record<string, string> }[] = [];
  const fetchMock = vi.fn(async (input: string, init?: RequestInit) => {
    const method = init?.method ?? 'GET';
    const path = String(input);
    const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
    calls.push({ method, path, body, headers: (init?.headers ?? {}) as Record<string, string> });
    const handler = routes[`${method} ${path.split('?')[0]}`];
    if (!handler)
      return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: path } }), { status: 404 });
    const out = handler(body);
    return new Response(JSON.stringify(out.json), { status: out.status ?? 200 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
