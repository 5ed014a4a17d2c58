/**
 * Plain, JSON-able domain records shared by the store, the matcher, the
 * operations and the queries. Amounts are decimal strings, never numbers.
 */
export type EntrySource = 'gl' | 'subledger' | 'bank';
export type EntryState = 'unmatched' | 'proposed' | 'matched' | 'exception';
export type MatchType = 'exact' | 'fuzzy' | 'many_to_one';
export type MatchState = 'proposed' | 'pending_approval' | 'confirmed' | 'rejected';
export type MatchSource = 'engine' | 'llm' | 'human';
export type PeriodState = 'open' | 'closing' | 'closed';
export type RunState = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ORPHANED';

export const ENTRY_SOURCES: readonly EntrySource[] = ['gl', 'subledger', 'bank'];
export const MATCH_TYPES: readonly MatchType[] = ['exact', 'fuzzy', 'many_to_one'];

export interface EntityRecord {
  code: string;
  name: string;
  currency: string;
  timeZone: string;
}

export interface AccountRecord {
  entity: string;
  code: string;
  name: string;
  sensitivity: 'normal' | 'sensitive';
}

/** An entry as supplied to the store (import, seed) before it has an id. */
export interface NewEntry {
  source: EntrySource;
  entity: string;
  accountCode: string;
  postingDate: string; // YYYY-MM-DD, the entity's local posting date
  amount: string;
  currency: string;
  reference: string;
  description: string;
  counterparty: string;
}

export interface Entry extends NewEntry {
  id: number;
  state: EntryState;
}

/** The FX rate record a USD figure was computed with. */
export interface FxRecord {
  base: string;
  quote: string;
  rate: string;
  source: string;
  asOf: string;
}

export interface MatchRecord {
  id: number;
  type: MatchType;
  state: MatchState;
  proposedBy: string;
  source: MatchSource;
  score: string;
  amountUsd: string;
  fx: FxRecord[];
  rationale: string;
  intercompany: boolean;
  runId: number | null;
  decidedBy: string | null;
  decisionRationale: string | null;
  /** The proposer's session (e.g. MCP session id), when the transport gave one. */
  proposerSession: string | null;
  createdAt: string;
  updatedAt: string;
  entryIds: number[];
}

export interface EscalationRecord {
  id: number;
  action: string;
  subjectKind: 'match' | 'period' | 'import';
  subjectId: string;
  requestedBy: string;
  code: string;
  clauseText: string;
  clausePointer: string;
  policyVersion: string;
  tier: string;
  state: 'open' | 'approved' | 'rejected' | 'superseded';
  requestRationale: string;
  resolvedBy: string | null;
  resolutionRationale: string | null;
  createdAt: string;
  resolvedAt: string | null;
  votes: {
    actor: string;
    vote: 'approve' | 'reject';
    rationale: string;
    createdAt: string;
    /** Where a CLI vote was cast (OS account and host); absent for MCP votes. */
    osUser?: string;
    host?: string;
  }[];
}

export interface ExceptionRecord {
  id: number;
  entryId: number;
  reasonCode: string;
  detail: string;
  raisedBy: string;
  runId: number | null;
  state: 'open' | 'resolved';
  createdAt: string;
  /** Set by resolve_exception (null when open, or closed because the entry joined a match). */
  resolvedBy: string | null;
  resolutionReason: string | null;
  resolvedAt: string | null;
}

export interface RunRecord {
  id: number;
  kind: string;
  state: RunState;
  owner: string;
  actor: string;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  stats: Record<string, unknown>;
  error: string | null;
}
