import { AuditChain, openSqlite, type AuditRecord, type VerifyResult } from 'audit-chain';
import type Database from 'better-sqlite3';

export const APPROVALS_DB = 'approvals.db';
const EVENT_TYPE = 'approval.decision';

/** One recorded decision. Holds the prompt's SHA-256, never the prompt. */
export interface ApprovalDecision {
  id: string;
  seq: number;
  ts: string;
  owner: string;
  provider: string;
  decision: 'approved' | 'denied';
  threshold: string;
  score: number;
  maxScore: number;
  factors: Array<{ code: string; points: number; detail: string }>;
  blockers: string[];
  reviewIntegrity: { status: 'not_applicable' | 'compliant' | 'violated'; reasons: string[] };
  mcpServers: string[];
  permissionLevel?: string;
  promptSha256: string;
}

export type DecisionPayload = Omit<ApprovalDecision, 'id' | 'seq' | 'ts' | 'owner'>;

function toDecision(r: AuditRecord): ApprovalDecision {
  return {
    id: r.eventId,
    seq: r.seq,
    ts: r.ts,
    owner: r.actor,
    ...(r.payload as unknown as DecisionPayload),
  };
}

/** Hash-chained, append-only decision log (`approvals.db`, 0600, WAL). */
export class DecisionLog {
  private readonly db: Database.Database;
  private readonly chain: AuditChain;

  constructor(readonly path: string) {
    this.db = openSqlite(path);
    this.chain = new AuditChain(this.db, { table: 'approval_decisions' });
  }

  append(owner: string, payload: DecisionPayload): ApprovalDecision {
    const record = this.chain.append({
      type: EVENT_TYPE,
      actor: owner,
      payload: JSON.parse(JSON.stringify(payload)) as Record<string, unknown>,
    });
    return toDecision(record);
  }

  /** The owner's decisions, oldest first, after `afterSeq` (pagination cursor). */
  list(owner: string, opts: { afterSeq?: number; limit?: number } = {}): ApprovalDecision[] {
    return this.chain
      .query({ actor: owner, type: EVENT_TYPE, afterSeq: opts.afterSeq, limit: opts.limit ?? 100 })
      .map(toDecision);
  }

  verify(): VerifyResult {
    return this.chain.verify();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
