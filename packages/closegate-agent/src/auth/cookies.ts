import type { IncomingMessage } from 'node:http';

/** Cookies of a request; a name sent twice is dropped (ambiguous, as attackers like it). */
export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  const dup = new Set<string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (out.has(name)) dup.add(name);
    out.set(name, value);
  }
  for (const d of dup) out.delete(d);
  return out;
}

export interface CookieOptions {
  secure: boolean;
  sameSite: 'Strict' | 'Lax';
  maxAgeSeconds?: number;
  path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${o.path ?? '/'}`, 'HttpOnly', `SameSite=${o.sameSite}`];
  if (o.secure) parts.push('Secure');
  if (o.maxAgeSeconds !== undefined) parts.push(`Max-Age=${o.maxAgeSeconds}`);
  return parts.join('; ');
}

export function clearCookie(name: string, o: CookieOptions): string {
  return serializeCookie(name, '', { ...o, maxAgeSeconds: 0 });
}
