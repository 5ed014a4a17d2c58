import type Database from 'better-sqlite3';
import type { RunRecord, RunState } from '../domain.js';

interface RunRow {
  id: number;
  kind: string;
  state: RunState;
  owner: string;
  actor: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  stats_json: string;
  error: string | null;
}

/** SQL for workflow runs (recon passes) and their heartbeats. */
export class RunStore {
  private readonly insert;
  private readonly beat;
  private readonly finishStmt;
  private readonly byId;
  private readonly expired;
  private readonly recent;
  private readonly runningStmt;

  constructor(db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO workflow_runs (kind, state, owner, actor, started_at, heartbeat_at)
      VALUES (?, 'RUNNING', ?, ?, ?, ?)`);
    this.beat = db.prepare("UPDATE workflow_runs SET heartbeat_at = ? WHERE id = ? AND state = 'RUNNING'");
    this.finishStmt =
      db.prepare(`UPDATE workflow_runs SET state = @state, finished_at = @now, stats_json = @stats, error = @error
      WHERE id = @id AND state = 'RUNNING'`);
    this.byId = db.prepare('SELECT * FROM workflow_runs WHERE id = ?');
    this.expired = db.prepare(
      "SELECT * FROM workflow_runs WHERE state = 'RUNNING' AND heartbeat_at < ? ORDER BY id",
    );
    this.runningStmt = db.prepare("SELECT * FROM workflow_runs WHERE state = 'RUNNING' ORDER BY id");
    this.recent = db.prepare('SELECT * FROM workflow_runs WHERE state = ? ORDER BY id DESC LIMIT ?');
  }

  start(kind: string, owner: string, actor: string, now: string): number {
    return Number(this.insert.run(kind, owner, actor, now, now).lastInsertRowid);
  }

  heartbeat(id: number, now: string): void {
    this.beat.run(now, id);
  }

  /** Moves a RUNNING run to a final state; returns false if it was no longer RUNNING. */
  finish(
    id: number,
    state: Exclude<RunState, 'RUNNING'>,
    stats: Record<string, unknown>,
    error: string | null,
    now: string,
  ): boolean {
    return this.finishStmt.run({ id, state, now, stats: JSON.stringify(stats), error }).changes === 1;
  }

  get(id: number): RunRecord | undefined {
    const r = this.byId.get(id) as RunRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  runningWithHeartbeatBefore(cutoff: string): RunRecord[] {
    return (this.expired.all(cutoff) as RunRow[]).map(toRecord);
  }

  running(): RunRecord[] {
    return (this.runningStmt.all() as RunRow[]).map(toRecord);
  }

  latest(state: RunState, limit: number): RunRecord[] {
    return (this.recent.all(state, limit) as RunRow[]).map(toRecord);
  }
}

function toRecord(r: RunRow): RunRecord {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    owner: r.owner,
    actor: r.actor,
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    finishedAt: r.finished_at,
    stats: JSON.parse(r.stats_json) as Record<string, unknown>,
    error: r.error,
  };
}
