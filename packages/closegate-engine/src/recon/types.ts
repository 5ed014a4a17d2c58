import type { MatcherConfig } from '../matcher/config.js';

export const MATCHER_ACTOR = 'engine:matcher';
export const AUTOCONFIRM_ACTOR = 'engine:autoconfirm';

/**
 * Items per transaction of `closegate-engine recon run` (and of the recon
 * benchmark, which measures the pass as that command runs it). The library's
 * default stays 500 (an MCP server interleaves other writes with a pass);
 * a batch job gains from fewer, larger transactions: at 200k lines per side
 * 2,000 per transaction took 3-7 % less CPU than 500 (docs/profiles/recon-1m.md),
 * with the same gate calls and audit events, and each transaction still
 * signs its head.
 */
export const RECON_RUN_BATCH_SIZE = 2000;

export interface ReconProgress {
  stage: 'load' | 'match' | 'apply' | 'exceptions';
  done: number;
  total: number;
}

export interface ReconPassOptions {
  /** Matcher settings; intercompany rules default to the database's. */
  matcher?: Partial<MatcherConfig>;
  /** Proposals per transaction (each batch also refreshes the heartbeat). */
  batchSize?: number;
  onProgress?: (p: ReconProgress) => void;
}

export interface ReconItem {
  matchId: number;
  type: string;
  entryIds: number[];
  amountUsd: string;
  escalationId?: number;
  code?: string;
  clauseText?: string;
  clausePointer?: string;
}

export interface ReconPassResult {
  runId: number;
  state: 'SUCCEEDED' | 'FAILED';
  proposed: number;
  autoConfirmed: ReconItem[];
  escalated: ReconItem[];
  denied: ReconItem[];
  exceptions: { entryId: number; exceptionId: number; reasonCode: string; detail: string }[];
  skippedStale: number;
  /** Proposals not made again because a person already rejected exactly these lines. */
  skippedRejected: number;
  timingsMs: { load: number; match: number; apply: number };
  error?: string;
}
