import type Database from 'better-sqlite3';
import type { ExceptionRecord } from '../domain.js';

interface ExceptionRow {
  id: number;
  entry_id: number;
  reason_code: string;
  detail: string;
  raised_by: string;
  run_id: number | null;
  state: 'open' | 'resolved';
  created_at: string;
  resolved_by?: string | null;
  resolution_reason?: string | null;
  resolved_at?: string | null;
}

/** SQL for exceptions (entries the matcher or a person set aside). */
export class ExceptionStore {
  private readonly insert;
  private readonly openList;
  private readonly openForEntry;
  private readonly countOpenStmt;
  private readonly resolveStmt;
  private readonly byId;
  private readonly resolveByHuman;

  constructor(db: Database.Database) {
    this.insert =
      db.prepare(`INSERT INTO exceptions (entry_id, reason_code, detail, raised_by, run_id, state, created_at)
      VALUES (?, ?, ?, ?, ?, 'open', ?)`);
    this.openList = db.prepare("SELECT * FROM exceptions WHERE state = 'open' ORDER BY id LIMIT ?");
    this.openForEntry = db.prepare("SELECT * FROM exceptions WHERE state = 'open' AND entry_id = ?");
    this.countOpenStmt = db.prepare("SELECT COUNT(*) AS n FROM exceptions WHERE state = 'open'");
    this.resolveStmt = db.prepare(
      "UPDATE exceptions SET state = 'resolved' WHERE entry_id = ? AND state = 'open'",
    );
    this.byId = db.prepare('SELECT * FROM exceptions WHERE id = ?');
    this.resolveByHuman = db.prepare(
      "UPDATE exceptions SET state = 'resolved', resolved_by = ?, resolution_reason = ?, resolved_at = ? WHERE id = ? AND state = 'open'",
    );
  }

  get(id: number): ExceptionRecord | undefined {
    const r = this.byId.get(id) as ExceptionRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Closes one open exception with who, why and when (resolve_exception). Returns false if it was not open. */
  resolve(id: number, resolvedBy: string, reason: string, now: string): boolean {
    return this.resolveByHuman.run(resolvedBy, reason, now, id).changes === 1;
  }

  add(
    entryId: number,
    reasonCode: string,
    detail: string,
    raisedBy: string,
    runId: number | null,
    now: string,
  ): number {
    return Number(this.insert.run(entryId, reasonCode, detail, raisedBy, runId, now).lastInsertRowid);
  }

  open(limit: number): ExceptionRecord[] {
    return (this.openList.all(limit) as ExceptionRow[]).map(toRecord);
  }

  openFor(entryId: number): ExceptionRecord | undefined {
    const r = this.openForEntry.get(entryId) as ExceptionRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  /** Closes the open exception of an entry (it joined a match). */
  resolveFor(entryId: number): void {
    this.resolveStmt.run(entryId);
  }

  countOpen(): number {
    return (this.countOpenStmt.get() as { n: number }).n;
  }
}

function toRecord(r: ExceptionRow): ExceptionRecord {
  return {
    id: r.id,
    entryId: r.entry_id,
    reasonCode: r.reason_code,
    detail: r.detail,
    raisedBy: r.raised_by,
    runId: r.run_id,
    state: r.state,
    createdAt: r.created_at,
    resolvedBy: r.resolved_by ?? null,
    resolutionReason: r.resolution_reason ?? null,
    resolvedAt: r.resolved_at ?? null,
  };
}
