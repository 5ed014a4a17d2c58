import type { ApiHandler } from './context.js';
import { auditCsv, auditHead, getVerify, searchAudit, startVerify } from './routes/audit.js';
import {
  calendar,
  closeRequest,
  getMatch,
  listExceptions,
  manualMatch,
  reconStatus,
  resolveException,
} from './routes/book.js';
import { decide, getEscalation, listEscalations } from './routes/escalations.js';
import { chat, getRun, listRuns, runEvents, startRun } from './routes/runs.js';

export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: ApiHandler;
}

const ID = '([^/]{1,64})';
const r = (method: Route['method'], path: string, handler: ApiHandler): Route => ({
  method,
  pattern: new RegExp(`^${path.replace(/:id/g, ID)}$`),
  handler,
});

/** Every /api route but /api/me (answered by the server from the session). */
export const ROUTES: readonly Route[] = [
  r('GET', '/api/escalations', listEscalations),
  r('GET', '/api/escalations/:id', getEscalation),
  r('POST', '/api/escalations/:id/approve', decide('approve')),
  r('POST', '/api/escalations/:id/reject', decide('reject')),
  r('GET', '/api/matches/:id', getMatch),
  r('POST', '/api/matches/manual', manualMatch),
  r('GET', '/api/exceptions', listExceptions),
  r('POST', '/api/exceptions/resolve', resolveException),
  r('GET', '/api/recon/status', reconStatus),
  r('GET', '/api/audit', searchAudit),
  r('GET', '/api/audit\\.csv', auditCsv),
  r('GET', '/api/audit/head', auditHead),
  r('POST', '/api/audit/verify', startVerify),
  r('GET', '/api/audit/verify/:id', getVerify),
  r('GET', '/api/calendar', calendar),
  r('POST', '/api/periods/close-request', closeRequest),
  r('POST', '/api/runs', startRun),
  r('GET', '/api/runs', listRuns),
  r('GET', '/api/runs/:id', getRun),
  r('GET', '/api/runs/:id/events', runEvents),
  r('POST', '/api/chat', chat),
];

/** A path segment, percent-decoded; a malformed escape is no id at all. */
function decodeParam(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return '';
  }
}

/** The route for a method and path: the handler and captured params, 'method' for a wrong method, or null. */
export function findRoute(
  method: string,
  pathname: string,
): { handler: ApiHandler; params: string[] } | 'method' | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(pathname);
    if (m === null) continue;
    pathMatched = true;
    if (route.method === method) return { handler: route.handler, params: m.slice(1).map(decodeParam) };
  }
  return pathMatched ? 'method' : null;
}
