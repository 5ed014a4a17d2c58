import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiHttpError } from '../api/errors.js';
import { redirect, sendError, sendText } from '../server/respond.js';
import { clearCookie, readCookies, serializeCookie } from './cookies.js';
import type { DevLogin } from './dev-login.js';
import { OidcLoginError, type OidcLogin } from './oidc.js';
import type { SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'closegate_session';
export const LOGIN_COOKIE = 'closegate_login';

export interface AuthDeps {
  sessions: SessionStore;
  oidc: OidcLogin | null;
  dev: DevLogin | null;
  /** Secure cookies (anything but plain-http loopback). */
  secureCookies: boolean;
}

function sessionCookie(d: AuthDeps, id: string): string {
  return serializeCookie(SESSION_COOKIE, id, { secure: d.secureCookies, sameSite: 'Strict' });
}

/** /auth/login: to the IdP with a fresh PKCE verifier, state and nonce. */
export async function login(d: AuthDeps, res: ServerResponse): Promise<void> {
  if (d.oidc === null) return sendError(res, new ApiHttpError('NOT_FOUND', 'OIDC login is not configured'));
  const { id, url } = await d.oidc.begin();
  // Lax, not Strict: the IdP's redirect back is a cross-site navigation that must carry it.
  redirect(res, url, [
    serializeCookie(LOGIN_COOKIE, id, {
      secure: d.secureCookies,
      sameSite: 'Lax',
      maxAgeSeconds: 600,
      path: '/auth',
    }),
  ]);
}

/** /auth/callback: code for tokens; a new server-side session for human:<claim>. */
export async function callback(
  d: AuthDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  if (d.oidc === null) return sendError(res, new ApiHttpError('NOT_FOUND', 'OIDC login is not configured'));
  const clear = clearCookie(LOGIN_COOKIE, { secure: d.secureCookies, sameSite: 'Lax', path: '/auth' });
  try {
    const who = await d.oidc.finish(readCookies(req).get(LOGIN_COOKIE), url.search);
    const { id } = d.sessions.create(who.actorId, who.displayName, 'oidc');
    redirect(res, '/', [clear, sessionCookie(d, id)]);
  } catch (err) {
    if (!(err instanceof OidcLoginError)) throw err;
    res.setHeader('set-cookie', clear);
    sendText(res, 401, `login failed: ${err.message}`);
  }
}

/** /auth/dev?token=...: the one-time development link. */
export function devLogin(d: AuthDeps, req: IncomingMessage, res: ServerResponse, url: URL): void {
  if (d.dev === null) return sendError(res, new ApiHttpError('NOT_FOUND', 'the development login is off'));
  const out = d.dev.redeem(url.searchParams.get('token'), req.socket.remoteAddress);
  if (!out.ok)
    return sendError(res, new ApiHttpError('FORBIDDEN', `development login refused: ${out.reason}`));
  const { id } = d.sessions.create(out.actorId, d.dev.user, 'dev');
  redirect(res, '/', [sessionCookie(d, id)]);
}

/** POST /auth/logout (CSRF-checked by the server like /api POSTs). */
export function logout(d: AuthDeps, req: IncomingMessage, res: ServerResponse): void {
  d.sessions.destroy(readCookies(req).get(SESSION_COOKIE));
  res.setHeader('set-cookie', clearCookie(SESSION_COOKIE, { secure: d.secureCookies, sameSite: 'Strict' }));
  res.statusCode = 204;
  res.end();
}
