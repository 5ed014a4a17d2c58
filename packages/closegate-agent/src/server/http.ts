import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'mcp-host';
import { HANDLED, type ApiDeps } from '../api/context.js';
import { CSRF_HEADER, type MeResponse } from '../api/contract.js';
import { ApiHttpError } from '../api/errors.js';
import { findRoute } from '../api/router.js';
import { readCookies } from '../auth/cookies.js';
import { callback, devLogin, login, logout, SESSION_COOKIE, type AuthDeps } from '../auth/routes.js';
import { csrfMatches, type Session } from '../auth/sessions.js';
import { checkHost, checkOrigin, oneHeader, readBody, type AllowLists } from './guard.js';
import { sendError, sendJson } from './respond.js';
import { StaticAssets } from './static.js';

export interface HandlerDeps {
  lists: AllowLists;
  auth: AuthDeps;
  api: ApiDeps;
  assetsDir: string | null;
  maxBodyBytes: number;
  logger: Logger;
}

/**
 * The session of a request, or the refusal: a foreign Origin is refused before the
 * cookie is looked at; a state-changing request also needs our Origin and the
 * session's CSRF token in X-CSRF-Token (constant-time compare).
 */
function authorize(d: HandlerDeps, req: IncomingMessage, stateChanging: boolean): Session {
  const originErr = checkOrigin(req, d.lists, stateChanging);
  if (originErr !== null) throw originErr;
  const session = d.auth.sessions.get(readCookies(req).get(SESSION_COOKIE));
  if (session === undefined) throw new ApiHttpError('UNAUTHENTICATED', 'log in first (/auth/login)');
  if (stateChanging) {
    const token = oneHeader(req, CSRF_HEADER);
    if (!csrfMatches(session, token.kind === 'value' ? token.value : undefined))
      throw new ApiHttpError('CSRF_REJECTED', `missing or wrong ${CSRF_HEADER} header`);
  }
  return session;
}

async function jsonBody(d: HandlerDeps, req: IncomingMessage): Promise<unknown> {
  const type = oneHeader(req, 'content-type');
  if (type.kind !== 'value' || !/^application\/json\s*(;|$)/i.test(type.value))
    throw new ApiHttpError('INVALID_REQUEST', 'send the body as application/json');
  const raw = await readBody(req, d.maxBodyBytes);
  try {
    return raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as unknown);
  } catch {
    throw new ApiHttpError('INVALID_REQUEST', 'the body is not valid JSON');
  }
}

async function handleApi(d: HandlerDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const stateChanging = method !== 'GET' && method !== 'HEAD';
  const session = authorize(d, req, stateChanging);
  if (url.pathname === '/api/me' && method === 'GET') {
    const me: MeResponse = {
      actorId: session.actorId,
      displayName: session.displayName,
      csrfToken: session.csrfToken,
      authMethod: session.authMethod,
    };
    return sendJson(res, 200, me);
  }
  const route = findRoute(method, url.pathname);
  if (route === null) throw new ApiHttpError('NOT_FOUND', `no endpoint ${url.pathname}`);
  if (route === 'method')
    throw new ApiHttpError('INVALID_REQUEST', `${method} is not allowed on ${url.pathname}`);
  const body = stateChanging ? await jsonBody(d, req) : undefined;
  const out = await route.handler({ req, res, url, session, params: route.params, body, deps: d.api });
  if (out !== HANDLED) sendJson(res, res.statusCode || 200, out);
}

async function handleAuth(
  d: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET' && url.pathname === '/auth/login') return login(d.auth, res);
  if (method === 'GET' && url.pathname === '/auth/callback') return callback(d.auth, req, res, url);
  if (method === 'GET' && url.pathname === '/auth/dev') return devLogin(d.auth, req, res, url);
  if (method === 'POST' && url.pathname === '/auth/logout') {
    authorize(d, req, true);
    return logout(d.auth, req, res);
  }
  throw new ApiHttpError('NOT_FOUND', `no endpoint ${url.pathname}`);
}

export function createHandler(d: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const assets = new StaticAssets(d.assetsDir);
  return (req, res) => {
    void (async () => {
      const hostErr = checkHost(req, d.lists);
      if (hostErr !== null) {
        d.logger.warn('request refused: Host not allowed', { host: req.headers.host ?? '' });
        return sendError(res, hostErr);
      }
      const url = new URL(req.url ?? '/', 'http://service.invalid');
      if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true });
      if (url.pathname.startsWith('/auth/')) return handleAuth(d, req, res, url);
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(d, req, res, url);
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return sendError(res, new ApiHttpError('NOT_FOUND', 'only GET for the desk assets'));
      return assets.serve(req, res, url.pathname);
    })().catch((err: unknown) => {
      if (err instanceof ApiHttpError) {
        // a refused oversized body is not read further: close the connection after answering
        if (err.code === 'PAYLOAD_TOO_LARGE') {
          sendError(res, err, { connection: 'close' });
          res.once('finish', () => req.destroy());
          return;
        }
        return sendError(res, err);
      }
      d.logger.error('request failed', { error: (err as Error).message, path: req.url ?? '' });
      sendError(res, new ApiHttpError('INTERNAL', 'internal error'));
    });
  };
}
