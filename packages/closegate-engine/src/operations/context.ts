import type { AuditBatch } from 'audit-chain';
import type { FxRateAdapter, Policy } from 'closegate-policy';
import type { ReconStore } from '../store/index.js';

/** Points where a test may inject a failure (after the mutation, before commit). */
export type FaultPoint = 'after_mutation';

/** Everything an operation needs. Built once by openEngine. */
export interface EngineContext {
  store: ReconStore;
  policy: Policy;
  fx: FxRateAdapter;
  now: () => Date;
  /**
   * Set only inside a recon pass batch (one transaction that rolls back whole
   * on any error): audit events go through it and are appended in groups
   * (one head read, multi-row INSERTs), the last group before the commit.
   */
  auditBatch?: AuditBatch | undefined;
  /**
   * Set for the duration of one operation whose human decided at the CLI: every
   * audit event the operation appends records it next to the actor.
   */
  origin?: { osUser: string; host: string } | undefined;
  /** Test hook: called inside the transaction after the mutation and audit append, before commit. */
  faultInjector?: ((point: FaultPoint, operation: string) => void) | undefined;
}

/** A gate decision as returned to callers (plain JSON). */
export interface DecisionJson {
  outcome: 'allow' | 'require_human_approval' | 'deny';
  tier: string;
  code?: string;
  clauseText?: string;
  clausePointer?: string;
  policyVersion: string;
}

/** What happened, in one word callers can switch on. */
export type OperationStatus =
  | 'proposed'
  | 'confirmed'
  | 'rejected'
  | 'escalated'
  | 'denied'
  | 'flagged'
  | 'resolved'
  | 'vote_recorded'
  | 'approved'
  | 'declined'
  | 'close_requested'
  | 'closed'
  | 'imported';

/**
 * The stable result shape of every operation. Plain JSON (amounts as strings),
 * so MCP tools can return it as is.
 */
export interface OperationResult {
  operation: string;
  outcome: DecisionJson['outcome'];
  status: OperationStatus;
  decision: DecisionJson;
  matchId?: number;
  escalationId?: number;
  entryId?: number;
  exceptionId?: number;
  state?: string;
  entryIds?: number[];
  entity?: string;
  period?: string;
  imported?: number;
  auditSeq: number;
  /** Present and true when this result is a replay of an earlier call with the same key. */
  replayed?: boolean;
}
