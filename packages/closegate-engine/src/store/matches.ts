import type Database from 'better-sqlite3';
import type { FxRecord, MatchRecord, MatchSource, MatchState, MatchType } from '../domain.js';

interface MatchRow {
  id: number;
  type: MatchType;
  state: MatchState;
  proposed_by: string;
  source: MatchSource;
  score: string;
  amount_usd: string;
  fx_json: string;
  rationale: string;
  intercompany: number;
  run_id: number | null;
  decided_by: string | null;
  decision_rationale: string | null;
  proposer_session: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewMatch {
  type: MatchType;
  proposedBy: string;
  source: MatchSource;
  score: string;
  amountUsd: string;
  fx: FxRecord[];
  rationale: string;
  intercompany: boolean;
  runId: number | null;
  entryIds: readonly number[];
  /** Session the proposer acted in (MCP session), for session-level SoD. */
  proposerSession?: string | null;
}

/**
 * Where a new match starts. By default a fresh id in state `proposed`; the
 * recon pass, which decides propose and auto-confirm together under one
 * write lock, writes the match once in its final state with the id it
 * reserved through {@link MatchStore.nextId}.
 */
export interface MatchStart {
  id?: number;
  state?: MatchState;
  decidedBy?: string | null;
}

/** SQL for matches and their lines. */
export class MatchStore {
  private readonly insert;
  private readonly insertLine;
  private readonly byId;
  private readonly linesOf;
  private readonly setStateStmt;
  private readonly byStateStmt;
  private readonly countByStateStmt;
  private readonly activeForEntry;
  private readonly rejectedForEntry;
  private readonly anyRejectedStmt;
  private readonly maxIdStmt;

  constructor(db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO matches
      (id, type, state, proposed_by, source, score, amount_usd, fx_json, rationale, intercompany, run_id, proposer_session, decided_by, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.maxIdStmt = db.prepare('SELECT COALESCE(MAX(id), 0) FROM matches').pluck();
    this.insertLine = db.prepare('INSERT INTO match_lines (match_id, entry_id) VALUES (?, ?)');
    this.byId = db.prepare('SELECT * FROM matches WHERE id = ?');
    this.linesOf = db.prepare('SELECT entry_id FROM match_lines WHERE match_id = ? ORDER BY entry_id');
    this.setStateStmt = db.prepare(
      'UPDATE matches SET state = @state, decided_by = @decidedBy, decision_rationale = @rationale, updated_at = @now WHERE id = @id',
    );
    this.byStateStmt = db.prepare('SELECT * FROM matches WHERE state = ? ORDER BY id LIMIT ?');
    this.countByStateStmt = db.prepare('SELECT state, COUNT(*) AS n FROM matches GROUP BY state');
    this.rejectedForEntry = db.prepare(`SELECT m.id FROM match_lines l JOIN matches m ON m.id = l.match_id
      WHERE l.entry_id = ? AND m.state = 'rejected' ORDER BY m.id`);
    this.anyRejectedStmt = db
      .prepare("SELECT EXISTS (SELECT 1 FROM matches WHERE state = 'rejected')")
      .pluck();
    this.activeForEntry = db.prepare(`SELECT m.id FROM match_lines l JOIN matches m ON m.id = l.match_id
      WHERE l.entry_id = ? AND m.state IN ('proposed', 'pending_approval', 'confirmed') LIMIT 1`);
  }

  add(m: NewMatch, now: string, start: MatchStart = {}): number {
    const id = Number(
      // positional binding: cheaper than named parameters on this hot path
      this.insert.run(
        start.id ?? null,
        m.type,
        start.state ?? 'proposed',
        m.proposedBy,
        m.source,
        m.score,
        m.amountUsd,
        JSON.stringify(m.fx),
        m.rationale,
        m.intercompany ? 1 : 0,
        m.runId,
        m.proposerSession ?? null,
        start.decidedBy ?? null,
        now,
        now,
      ).lastInsertRowid,
    );
    for (const entryId of m.entryIds) this.insertLine.run(id, entryId);
    return id;
  }

  get(id: number): MatchRecord | undefined {
    const r = this.byId.get(id) as MatchRow | undefined;
    return r ? this.toRecord(r) : undefined;
  }

  inState(state: MatchState, limit: number): MatchRecord[] {
    return (this.byStateStmt.all(state, limit) as MatchRow[]).map((r) => this.toRecord(r));
  }

  /** The id the next match will get (callers hold the write lock, so nobody can take it first). */
  nextId(): number {
    return (this.maxIdStmt.get() as number) + 1;
  }

  /** The id of a live (not rejected) match that already holds this entry, if any. */
  liveMatchOf(entryId: number): number | undefined {
    const r = this.activeForEntry.get(entryId) as { id: number } | undefined;
    return r?.id;
  }

  /** True when some match is in state rejected (lets a caller holding the write lock skip wasRejected). */
  anyRejected(): boolean {
    return this.anyRejectedStmt.get() === 1;
  }

  /** True when a rejected match held exactly these lines (so the engine does not propose it again). */
  wasRejected(entryIds: readonly number[]): boolean {
    const first = entryIds[0];
    if (first === undefined) return false;
    const sorted = [...entryIds].sort((a, b) => a - b).join(',');
    return (this.rejectedForEntry.all(first) as { id: number }[]).some(
      (r) => (this.linesOf.all(r.id) as { entry_id: number }[]).map((l) => l.entry_id).join(',') === sorted,
    );
  }

  setState(
    id: number,
    state: MatchState,
    decidedBy: string | null,
    rationale: string | null,
    now: string,
  ): void {
    this.setStateStmt.run({ id, state, decidedBy, rationale, now });
  }

  countByState(): Record<MatchState, number> {
    const out: Record<MatchState, number> = { proposed: 0, pending_approval: 0, confirmed: 0, rejected: 0 };
    for (const r of this.countByStateStmt.all() as { state: MatchState; n: number }[]) out[r.state] = r.n;
    return out;
  }

  private toRecord(r: MatchRow): MatchRecord {
    const entryIds = (this.linesOf.all(r.id) as { entry_id: number }[]).map((l) => l.entry_id);
    return {
      id: r.id,
      type: r.type,
      state: r.state,
      proposedBy: r.proposed_by,
      source: r.source,
      score: r.score,
      amountUsd: r.amount_usd,
      fx: JSON.parse(r.fx_json) as FxRecord[],
      rationale: r.rationale,
      intercompany: r.intercompany === 1,
      runId: r.run_id,
      decidedBy: r.decided_by,
      decisionRationale: r.decision_rationale,
      proposerSession: r.proposer_session,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      entryIds,
    };
  }
}
