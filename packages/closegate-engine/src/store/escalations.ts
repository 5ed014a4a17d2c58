import type Database from 'better-sqlite3';
import type { EscalationRecord } from '../domain.js';

interface EscalationRow {
  id: number;
  action: string;
  subject_kind: 'match' | 'period' | 'import';
  subject_id: string;
  requested_by: string;
  code: string;
  clause_text: string;
  clause_pointer: string;
  policy_version: string;
  tier: string;
  state: 'open' | 'approved' | 'rejected' | 'superseded';
  request_rationale: string;
  resolved_by: string | null;
  resolution_rationale: string | null;
  created_at: string;
  resolved_at: string | null;
}
interface VoteRow {
  actor: string;
  vote: 'approve' | 'reject';
  rationale: string;
  created_at: string;
  os_user: string | null;
  host: string | null;
}

/**
 * Where a human decision was made from: the OS account and host running the CLI
 * or the stdio MCP server. Unknown (undefined) for HTTP decisions (desk, tokens).
 */
export interface DecisionOrigin {
  osUser: string;
  host: string;
}

export type NewEscalation = Omit<
  EscalationRecord,
  'id' | 'state' | 'resolvedBy' | 'resolutionRationale' | 'resolvedAt' | 'votes'
>;

/** SQL for escalations and their approval votes. */
export class EscalationStore {
  private readonly insert;
  private readonly insertVote;
  private readonly byId;
  private readonly votesOf;
  private readonly openList;
  private readonly openForSubject;
  private readonly resolveStmt;
  private readonly countOpenStmt;
  private readonly forSubjectStmt;

  constructor(db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO escalations
      (action, subject_kind, subject_id, requested_by, code, clause_text, clause_pointer, policy_version, tier, state, request_rationale, created_at)
      VALUES (@action, @subjectKind, @subjectId, @requestedBy, @code, @clauseText, @clausePointer, @policyVersion, @tier, 'open', @requestRationale, @createdAt)`);
    this.insertVote = db.prepare(
      'INSERT INTO approval_votes (escalation_id, actor, vote, rationale, created_at, os_user, host) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.byId = db.prepare('SELECT * FROM escalations WHERE id = ?');
    this.votesOf = db.prepare(
      'SELECT actor, vote, rationale, created_at, os_user, host FROM approval_votes WHERE escalation_id = ? ORDER BY created_at, actor',
    );
    this.openList = db.prepare("SELECT * FROM escalations WHERE state = 'open' ORDER BY id LIMIT ?");
    this.openForSubject = db.prepare(
      "SELECT id FROM escalations WHERE state = 'open' AND subject_kind = ? AND subject_id = ? ORDER BY id LIMIT 1",
    );
    this.countOpenStmt = db.prepare("SELECT COUNT(*) AS n FROM escalations WHERE state = 'open'");
    this.forSubjectStmt = db.prepare(
      'SELECT * FROM escalations WHERE subject_kind = ? AND subject_id = ? ORDER BY id',
    );
    this.resolveStmt = db.prepare(`UPDATE escalations SET state = @state, resolved_by = @resolvedBy,
      resolution_rationale = @rationale, resolved_at = @now WHERE id = @id`);
  }

  add(e: NewEscalation): number {
    return Number(this.insert.run(e).lastInsertRowid);
  }

  get(id: number): EscalationRecord | undefined {
    const r = this.byId.get(id) as EscalationRow | undefined;
    return r ? this.toRecord(r) : undefined;
  }

  open(limit: number): EscalationRecord[] {
    return (this.openList.all(limit) as EscalationRow[]).map((r) => this.toRecord(r));
  }

  countOpen(): number {
    return (this.countOpenStmt.get() as { n: number }).n;
  }

  forSubject(kind: EscalationRecord['subjectKind'], subjectId: string): EscalationRecord[] {
    return (this.forSubjectStmt.all(kind, subjectId) as EscalationRow[]).map((r) => this.toRecord(r));
  }

  openIdFor(kind: EscalationRecord['subjectKind'], subjectId: string): number | undefined {
    return (this.openForSubject.get(kind, subjectId) as { id: number } | undefined)?.id;
  }

  addVote(
    id: number,
    actor: string,
    vote: 'approve' | 'reject',
    rationale: string,
    now: string,
    /** Where the vote was cast (required, undefined when unknown): the T3 rules compare it. */
    origin: DecisionOrigin | undefined,
  ): void {
    this.insertVote.run(id, actor, vote, rationale, now, origin?.osUser ?? null, origin?.host ?? null);
  }

  resolve(
    id: number,
    state: 'approved' | 'rejected' | 'superseded',
    resolvedBy: string,
    rationale: string,
    now: string,
  ): void {
    this.resolveStmt.run({ id, state, resolvedBy, rationale, now });
  }

  private toRecord(r: EscalationRow): EscalationRecord {
    const votes = (this.votesOf.all(r.id) as VoteRow[]).map((v) => ({
      actor: v.actor,
      vote: v.vote,
      rationale: v.rationale,
      createdAt: v.created_at,
      ...(v.os_user !== null ? { osUser: v.os_user } : {}),
      ...(v.host !== null ? { host: v.host } : {}),
    }));
    return {
      id: r.id,
      action: r.action,
      subjectKind: r.subject_kind,
      subjectId: r.subject_id,
      requestedBy: r.requested_by,
      code: r.code,
      clauseText: r.clause_text,
      clausePointer: r.clause_pointer,
      policyVersion: r.policy_version,
      tier: r.tier,
      state: r.state,
      requestRationale: r.request_rationale,
      resolvedBy: r.resolved_by,
      resolutionRationale: r.resolution_rationale,
      createdAt: r.created_at,
      resolvedAt: r.resolved_at,
      votes,
    };
  }
}
