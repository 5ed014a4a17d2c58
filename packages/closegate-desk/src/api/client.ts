/**
 * The one door to /api. Same-origin fetch with the session cookie; every POST
 * carries the session's CSRF token. Errors become ApiError with the server's
 * stable code (and the policy clause for a gate denial) so pages can explain
 * a refusal instead of hiding a control.
 */
import type {
  ApiErrorBody,
  ApiErrorCode,
  AuditHeadResponse,
  AuditListResponse,
  AuditQuery,
  AuditVerification,
  CalendarResponse,
  ChatResponse,
  ClauseRef,
  DecisionResult,
  EscalationDetail,
  EscalationListQuery,
  EscalationListResponse,
  ExceptionListQuery,
  ExceptionListResponse,
  MatchDetailResponse,
  MeResponse,
  ReconStatusResponse,
  RunDetailResponse,
  RunEvent,
  RunListResponse,
  RunSummary,
} from './types';
import { toQueryString, type Filters } from '../lib/query';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode | 'NETWORK',
    message: string,
    readonly clause?: ClauseRef,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = csrfToken;
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `the service did not answer: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let parsed: ApiErrorBody | undefined;
    try {
      parsed = JSON.parse(text) as ApiErrorBody;
    } catch {
      parsed = undefined;
    }
    const e = parsed?.error;
    throw new ApiError(
      res.status,
      e?.code ?? 'INTERNAL',
      e?.message ?? `HTTP ${res.status}`,
      e?.clause,
      e?.issues,
    );
  }
  return (text ? JSON.parse(text) : {}) as T;
}

const q = (filters: object): string => toQueryString(filters as Filters);

export const api = {
  me: () => request<MeResponse>('GET', '/api/me'),
  logout: () => request<Record<string, never>>('POST', '/auth/logout'),
  escalations: (query: EscalationListQuery) =>
    request<EscalationListResponse>('GET', `/api/escalations${q(query)}`),
  escalation: (id: number) => request<EscalationDetail>('GET', `/api/escalations/${id}`),
  approve: (id: number, rationale: string) =>
    request<DecisionResult>('POST', `/api/escalations/${id}/approve`, { rationale }),
  reject: (id: number, rationale: string) =>
    request<DecisionResult>('POST', `/api/escalations/${id}/reject`, { rationale }),
  match: (id: number) => request<MatchDetailResponse>('GET', `/api/matches/${id}`),
  manualMatch: (entryIds: number[], rationale: string) =>
    request<DecisionResult>('POST', '/api/matches/manual', { entryIds, rationale }),
  exceptions: (query: ExceptionListQuery) =>
    request<ExceptionListResponse>('GET', `/api/exceptions${q(query)}`),
  resolveException: (entryId: number, reason: string) =>
    request<DecisionResult>('POST', '/api/exceptions/resolve', { entryId, reason }),
  status: () => request<ReconStatusResponse>('GET', '/api/recon/status'),
  audit: (query: AuditQuery) => request<AuditListResponse>('GET', `/api/audit${q(query)}`),
  auditCsvUrl: (query: AuditQuery) => {
    const { page: _p, pageSize: _s, ...filters } = query;
    return `/api/audit.csv${q(filters)}`;
  },
  auditHead: () => request<AuditHeadResponse>('GET', '/api/audit/head'),
  startVerify: () => request<AuditVerification>('POST', '/api/audit/verify', {}),
  verification: (id: string) =>
    request<AuditVerification>('GET', `/api/audit/verify/${encodeURIComponent(id)}`),
  calendar: (period?: string) => request<CalendarResponse>('GET', `/api/calendar${q({ period })}`),
  requestClose: (entity: string, period: string) =>
    request<DecisionResult>('POST', '/api/periods/close-request', { entity, period }),
  startRun: (task: string) => request<RunSummary>('POST', '/api/runs', { task }),
  runs: () => request<RunListResponse>('GET', '/api/runs'),
  run: (id: string) => request<RunDetailResponse>('GET', `/api/runs/${encodeURIComponent(id)}`),
  chat: (message: string) => request<ChatResponse>('POST', '/api/chat', { message }),
};

/** Follow a run's SSE stream; returns a function that stops listening. */
export function followRun(id: string, onEvent: (event: RunEvent) => void, onError: () => void): () => void {
  const source = new EventSource(`/api/runs/${encodeURIComponent(id)}/events`);
  const handle = (msg: MessageEvent<string>): void => {
    const event = JSON.parse(msg.data) as RunEvent;
    onEvent(event);
    if (event.type === 'done') source.close();
  };
  for (const type of ['item', 'state', 'done']) source.addEventListener(type, handle as EventListener);
  source.onerror = () => {
    // EventSource reconnects by itself; a closed stream after `done` is not an error.
    if (source.readyState === EventSource.CLOSED) onError();
  };
  return () => source.close();
}

/** A message a person can act on, for any thrown value. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const clause = err.clause ? ` (${err.clause.code}, ${err.clause.tier}: ${err.clause.text})` : '';
    return `${err.code}: ${err.message}${clause}`;
  }
  return err instanceof Error ? err.message : String(err);
}
