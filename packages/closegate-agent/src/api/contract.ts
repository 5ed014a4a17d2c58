/**
 * The /api/* contract between the agent service and the desk UI.
 *
 * Stable: change it only additively (new optional fields, new endpoints).
 * Amounts are decimal strings, never numbers. Times are ISO-8601 UTC strings.
 * Every non-2xx response is an ApiErrorBody. Every state-changing request
 * (POST) must send the session's CSRF token in the `X-CSRF-Token` header and
 * a same-origin `Origin`.
 */
import { z } from 'zod';

// ---------------------------------------------------------------- errors

export const API_ERROR_CODES = [
  'UNAUTHENTICATED', // 401: no or expired session
  'CSRF_REJECTED', // 403: missing/wrong X-CSRF-Token or foreign Origin
  'FORBIDDEN', // 403: authenticated, but the action is not allowed here
  'GATE_DENIED', // 409: the engine's policy gate denied the decision (see clause)
  'NOT_FOUND', // 404
  'INVALID_REQUEST', // 400: query/body failed validation
  'PAYLOAD_TOO_LARGE', // 413
  'CONFLICT', // 409: state no longer allows it (already resolved, idempotency conflict)
  'ENGINE_UNSUPPORTED', // 501: the engine has no tool for this yet
  'ENGINE_ERROR', // 502: the engine answered with an error
  'AGENT_UNAVAILABLE', // 503: no agent runner configured
  'INTERNAL', // 500
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The policy clause behind a gate denial or an escalation. */
export interface ClauseRef {
  code: string;
  /** Verbatim text from policy.yaml. */
  text: string;
  /** RFC 6901 pointer into the policy document. */
  pointer: string;
  policyVersion: string;
  tier: string;
}

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    /** Present for GATE_DENIED. */
    clause?: ClauseRef;
    /** Present for INVALID_REQUEST: which fields failed. */
    issues?: { path: string; message: string }[];
  };
}

// ---------------------------------------------------------------- shared shapes

/** An actor id: `human:<id>`, `llm:<id>`, `engine:<id>`. */
export type ActorId = string;

export interface Money {
  amount: string;
  currency: string;
}

export interface Page<T> {
  rows: T[];
  page: number;
  pageSize: number;
  total: number;
}

export interface EntryView {
  id: number;
  source: 'gl' | 'subledger' | 'bank';
  entity: string;
  accountCode: string;
  postingDate: string;
  amount: string;
  currency: string;
  reference: string;
  description: string;
  counterparty: string;
  state: 'unmatched' | 'proposed' | 'matched' | 'exception';
}

export interface FxRecordView {
  base: string;
  quote: string;
  rate: string;
  source: string;
  asOf: string;
}

export interface AuditEventView {
  seq: number;
  eventId: string;
  ts: string;
  actor: ActorId;
  type: string;
  payload: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/** The result of a human decision the engine accepted (allow or escalate). */
export interface DecisionResult {
  status: string; // engine OperationStatus: approved | declined | vote_recorded | proposed | escalated | close_requested | closed ...
  outcome: 'allow' | 'require_human_approval' | 'deny';
  auditSeq: number;
  matchId?: number;
  escalationId?: number;
  entryId?: number;
  exceptionId?: number;
  /** Present when the engine escalated the action instead of allowing it. */
  clause?: ClauseRef;
  /** The actor the engine recorded the decision for (always the logged-in human). */
  actor: ActorId;
}

// ---------------------------------------------------------------- GET /api/me

export interface MeResponse {
  actorId: ActorId; // human:<claim>
  displayName: string;
  csrfToken: string;
  /** 'oidc' or 'dev' (the loopback development login). */
  authMethod: 'oidc' | 'dev';
}

// ---------------------------------------------------------------- escalations

export const ESCALATION_SORT_KEYS = ['age', 'amountUsd', 'entity', 'account', 'clause', 'id'] as const;
export const escalationListQuery = z
  .object({
    entity: z.string().max(40).optional(),
    account: z.string().max(40).optional(),
    tier: z.enum(['T2', 'T3']).optional(),
    clause: z.string().max(80).optional(),
    minAgeDays: z.coerce.number().int().min(0).max(100000).optional(),
    /** USD, decimal string. */
    minAmount: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,6})?$/)
      .optional(),
    maxAmount: z
      .string()
      .regex(/^\d{1,15}(\.\d{1,6})?$/)
      .optional(),
    sort: z.enum(ESCALATION_SORT_KEYS).default('age'),
    order: z.enum(['asc', 'desc']).default('desc'),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type EscalationListQuery = z.input<typeof escalationListQuery>;

export interface EscalationRow {
  id: number;
  subjectKind: 'match' | 'period' | 'import';
  subjectId: string;
  tier: string;
  clauseCode: string;
  /** The match's first line (lowest id) amount in its own currency (null for a period close). */
  amountLocal: Money | null;
  amountUsd: string | null;
  entity: string | null;
  account: string | null;
  counterparty: string | null;
  /** Who proposed the match (or requested the close). */
  proposer: ActorId;
  requestedBy: ActorId;
  createdAt: string;
  ageDays: number;
}
export type EscalationListResponse = Page<EscalationRow>;

export interface VoteView {
  actor: ActorId;
  vote: 'approve' | 'reject';
  rationale: string;
  createdAt: string;
}

export interface MatchView {
  id: number;
  type: 'exact' | 'fuzzy' | 'many_to_one';
  state: 'proposed' | 'pending_approval' | 'confirmed' | 'rejected';
  proposedBy: ActorId;
  source: 'engine' | 'llm' | 'human';
  score: string;
  amountUsd: string;
  fx: FxRecordView[];
  rationale: string;
  intercompany: boolean;
  decidedBy: ActorId | null;
  decisionRationale: string | null;
  createdAt: string;
  updatedAt: string;
  entries: EntryView[];
}

export interface EscalationDetail {
  id: number;
  action: string;
  subjectKind: 'match' | 'period' | 'import';
  subjectId: string;
  state: 'open' | 'approved' | 'rejected';
  tier: string;
  clause: ClauseRef;
  requestedBy: ActorId;
  requestRationale: string;
  createdAt: string;
  resolvedBy: ActorId | null;
  resolutionRationale: string | null;
  resolvedAt: string | null;
  /** The match (for match escalations), with both sides' lines. */
  match: MatchView | null;
  /** Lines split into the two sides (GL vs the other source; or the two entities for intercompany). */
  sides: { left: EntryView[]; right: EntryView[]; leftLabel: string; rightLabel: string } | null;
  /** Sum of both sides in USD (left - right), decimal string; null when unknown. */
  varianceUsd: string | null;
  /** Proposer's rationale (match rationale, or the request rationale for a period). */
  proposerRationale: string;
  /** For a period close (T3): the votes so far and how many approvals it needs. */
  votes: VoteView[];
  /**
   * Approvals the engine's gate needs, from the policy it runs: the policy's
   * t3_dual_approval.required_approvals for a period close or a held import, 1 for a match.
   */
  votesRequired: number;
  /** Audit events of this match/escalation, oldest first. */
  auditEvents: AuditEventView[];
  /** Whether the logged-in user may approve/reject now; the server still decides. */
  canVote: boolean;
  /** Why not: 'requester' | 'proposer' | 'already_voted' | 'resolved' | 'not_human'. */
  cannotVoteReason: string | null;
}

export const decisionBody = z.object({ rationale: z.string().trim().min(1).max(2000) }).strict();
export type DecisionBody = z.infer<typeof decisionBody>;
// POST /api/escalations/:id/approve  body DecisionBody -> DecisionResult
// POST /api/escalations/:id/reject   body DecisionBody -> DecisionResult
// (a T3 approval/rejection is one vote; the engine closes the period after votesRequired distinct humans.)

// ---------------------------------------------------------------- matches

// GET /api/matches/:id -> MatchDetailResponse
export interface MatchDetailResponse extends MatchView {
  escalations: { id: number; state: string; code: string; tier: string }[];
  auditEvents: AuditEventView[];
}

export const manualMatchBody = z
  .object({
    entryIds: z.array(z.number().int().positive()).min(2).max(50),
    rationale: z.string().trim().min(1).max(2000),
  })
  .strict();
export type ManualMatchBody = z.infer<typeof manualMatchBody>;
// POST /api/matches/manual body ManualMatchBody -> DecisionResult (proposed as the logged-in human)

// ---------------------------------------------------------------- exceptions

export const exceptionListQuery = z
  .object({
    entity: z.string().max(40).optional(),
    account: z.string().max(40).optional(),
    reason: z.string().max(80).optional(),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ExceptionListQuery = z.input<typeof exceptionListQuery>;

export interface ExceptionRow {
  id: number;
  entry: EntryView;
  reasonCode: string;
  detail: string;
  raisedBy: ActorId;
  createdAt: string;
  ageDays: number;
}
export type ExceptionListResponse = Page<ExceptionRow>;

/** Names the exception by its entry (the entry's open exception) or by its id, never both. */
export const resolveExceptionBody = z
  .object({
    entryId: z.number().int().positive().optional(),
    exceptionId: z.number().int().positive().optional(),
    reason: z.string().trim().min(1).max(2000),
  })
  .strict()
  .refine((b) => (b.entryId === undefined) !== (b.exceptionId === undefined), {
    message: 'give exactly one of entryId or exceptionId',
    path: ['entryId'],
  });
export type ResolveExceptionBody = z.infer<typeof resolveExceptionBody>;
// POST /api/exceptions/resolve -> DecisionResult (status 'resolved', entryId, exceptionId), as the logged-in
// human through the engine's resolve_exception tool; 409 GATE_DENIED for a non-human, 409 CONFLICT when not open.

// ---------------------------------------------------------------- recon status

export interface ReconStatusBucket {
  count: number;
  /** Totals per currency, decimal strings. */
  totals: Record<string, string>;
}
export interface ReconStatusRow {
  entity: string;
  period: string; // YYYY-MM
  currency: string;
  periodState: 'open' | 'closing' | 'closed';
  matched: ReconStatusBucket;
  proposed: ReconStatusBucket;
  escalated: ReconStatusBucket;
  exceptions: ReconStatusBucket;
  unmatched: ReconStatusBucket;
  /** Matched lines / all lines, decimal string 0..1. */
  autoMatchRate: string;
  /** Open items (unmatched + exception + proposed) by age bucket in days. */
  ageing: { '0-7': number; '8-30': number; '31-60': number; '61+': number };
}
export interface ReconStatusResponse {
  generatedAt: string;
  policyVersion: string;
  rows: ReconStatusRow[];
  openEscalations: number;
  openExceptions: number;
  lastRun: { id: number; state: string; startedAt: string; finishedAt: string | null } | null;
  auditHead: { seq: number; hash: string } | null;
}

// ---------------------------------------------------------------- audit

export const auditQuery = z
  .object({
    actor: z.string().max(80).optional(),
    type: z
      .string()
      .regex(/^[A-Z_]{1,64}$/)
      .optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    matchId: z.coerce.number().int().positive().optional(),
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditQuery = z.input<typeof auditQuery>;
export type AuditListResponse = Page<AuditEventView>;
// GET /api/audit.csv?<same filters, no paging> -> text/csv; columns: seq,ts,actor,type,event_id,hash,payload

export interface AuditHeadResponse {
  head: { seq: number; hash: string } | null;
  lastVerification: AuditVerification | null;
}

export interface AuditVerification {
  id: string;
  state: 'running' | 'ok' | 'broken' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  startedBy: ActorId;
  /** Events checked so far / total. */
  checked: number;
  total: number;
  brokenSeq?: number;
  reason?: string;
  message?: string;
}
// POST /api/audit/verify -> AuditVerification (202, state 'running' or already finished)
// GET  /api/audit/verify/:id -> AuditVerification (poll for progress)

// ---------------------------------------------------------------- calendar and periods

export interface CalendarResponse {
  origin: 'file' | 'default';
  entities: { code: string; timeZone: string; currency?: string }[];
  windows: {
    entity: string;
    period: string;
    opensLocal: string;
    closesLocal: string;
    opensUtc: string;
    closesUtc: string;
    periodState: 'open' | 'closing' | 'closed';
  }[];
  intercompanyPairs: [string, string][];
  conflicts: { kind: string; entities: [string, string]; period: string; message?: string }[];
}

export const closeRequestBody = z
  .object({
    entity: z.string().min(1).max(40),
    period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  })
  .strict();
export type CloseRequestBody = z.infer<typeof closeRequestBody>;
// POST /api/periods/close-request -> DecisionResult (status close_requested; an escalation id to vote on)

// ---------------------------------------------------------------- agent runs and chat

export const startRunBody = z.object({ task: z.string().trim().min(1).max(4000) }).strict();
export type StartRunBody = z.infer<typeof startRunBody>;

export interface RunSummary {
  id: string;
  task: string;
  state: 'running' | 'succeeded' | 'failed' | 'budget_exhausted';
  startedBy: ActorId;
  startedAt: string;
  finishedAt: string | null;
  /** Which budget stopped it, if one did. */
  stopReason: string | null;
  summary: string | null;
}
export type StartRunResponse = RunSummary;
export interface RunListResponse {
  rows: RunSummary[];
}

export interface TranscriptItem {
  seq: number;
  ts: string;
  kind: 'system' | 'user' | 'assistant' | 'tool_call' | 'tool_result' | 'note';
  text?: string;
  tool?: string;
  args?: unknown;
  result?: unknown;
  isError?: boolean;
}
export interface RunDetailResponse extends RunSummary {
  transcript: TranscriptItem[];
}

/**
 * GET /api/runs/:id/events: text/event-stream. Each SSE message has
 * `event: <type>` and `data: <RunEvent JSON>`; the stream ends after `done`.
 */
export type RunEvent =
  | { type: 'item'; item: TranscriptItem }
  | { type: 'state'; run: RunSummary }
  | { type: 'done'; run: RunSummary };

export const chatBody = z.object({ message: z.string().trim().min(1).max(4000) }).strict();
export type ChatBody = z.infer<typeof chatBody>;
export interface ChatResponse {
  runId: string;
  reply: string;
}

// ---------------------------------------------------------------- endpoint map (for typed clients)

export interface ApiEndpoints {
  'GET /api/me': { query: never; body: never; response: MeResponse };
  'GET /api/escalations': { query: EscalationListQuery; body: never; response: EscalationListResponse };
  'GET /api/escalations/:id': { query: never; body: never; response: EscalationDetail };
  'POST /api/escalations/:id/approve': { query: never; body: DecisionBody; response: DecisionResult };
  'POST /api/escalations/:id/reject': { query: never; body: DecisionBody; response: DecisionResult };
  'GET /api/matches/:id': { query: never; body: never; response: MatchDetailResponse };
  'POST /api/matches/manual': { query: never; body: ManualMatchBody; response: DecisionResult };
  'GET /api/exceptions': { query: ExceptionListQuery; body: never; response: ExceptionListResponse };
  'POST /api/exceptions/resolve': { query: never; body: ResolveExceptionBody; response: DecisionResult };
  'GET /api/recon/status': { query: never; body: never; response: ReconStatusResponse };
  'GET /api/audit': { query: AuditQuery; body: never; response: AuditListResponse };
  'GET /api/audit.csv': { query: AuditQuery; body: never; response: string };
  'GET /api/audit/head': { query: never; body: never; response: AuditHeadResponse };
  'POST /api/audit/verify': { query: never; body: Record<string, never>; response: AuditVerification };
  'GET /api/audit/verify/:id': { query: never; body: never; response: AuditVerification };
  'GET /api/calendar': { query: { period?: string }; body: never; response: CalendarResponse };
  'POST /api/periods/close-request': { query: never; body: CloseRequestBody; response: DecisionResult };
  'POST /api/runs': { query: never; body: StartRunBody; response: StartRunResponse };
  'GET /api/runs': { query: never; body: never; response: RunListResponse };
  'GET /api/runs/:id': { query: never; body: never; response: RunDetailResponse };
  'GET /api/runs/:id/events': { query: never; body: never; response: RunEvent };
  'POST /api/chat': { query: never; body: ChatBody; response: ChatResponse };
}

/** Header carrying the CSRF token on every POST. */
export const CSRF_HEADER = 'x-csrf-token';
