import { randomUUID } from 'node:crypto';
import { openSqlite } from 'audit-chain';
import type Database from 'better-sqlite3';
import type { RequestResult } from '../service/types.js';
import { JobError, jobNotFound } from './errors.js';
import { ensureJobSchema } from './schema.js';
import { canTransition, type JobState } from './states.js';

export type OutputStream = 'stdout' | 'stderr';

export interface JobRecord {
  id: string;
  owner: string;
  provider: string;
  model?: string;
  state: JobState;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  correlationId?: string;
  error?: { code: string; message: string };
  result?: RequestResult;
  stdoutChars: number;
  stderrChars: number;
}

/** Fields a transition may set alongside the new state. */
export interface TransitionFields {
  pid?: number;
  pidStart?: string | null;
  correlationId?: string;
  error?: { code: string; message: string };
  result?: RequestResult;
}

export interface OutputPage {
  stream: OutputStream;
  offset: number;
  data: string;
  /** Offset to ask for next; equal to `total` when everything captured so far was read. */
  nextOffset: number;
  total: number;
}

export interface OrphanedJob {
  id: string;
  pid: number | null;
  pidStart: string | null;
  /** Host the process ran on; undefined for the single-host SQLite store. */
  host?: string | null;
}

interface Row {
  id: string;
  owner: string;
  provider: string;
  model: string | null;
  state: JobState;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  correlation_id: string | null;
  error_code: string | null;
  error_message: string | null;
  result_json: string | null;
  stdout_chars: number;
  stderr_chars: number;
}

export interface JobStoreOptions {
  /** Lease a running job holds; renewed by `heartbeat()`. */
  leaseMs: number;
  /** This gateway process; default a fresh UUID. */
  instanceId?: string;
  now?: () => number;
}

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

function toRecord(r: Row): JobRecord {
  return {
    id: r.id,
    owner: r.owner,
    provider: r.provider,
    model: r.model ?? undefined,
    state: r.state,
    createdAt: new Date(r.created_at).toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    correlationId: r.correlation_id ?? undefined,
    error: r.error_code === null ? undefined : { code: r.error_code, message: r.error_message ?? '' },
    result: r.result_json === null ? undefined : (JSON.parse(r.result_json) as RequestResult),
    stdoutChars: r.stdout_chars,
    stderrChars: r.stderr_chars,
  };
}

/**
 * Durable job store on SQLite (0600, WAL). Every read by a client goes through
 * `owner`: another owner's job is indistinguishable from an unknown id.
 */
export class JobStore {
  readonly instanceId: string;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly leaseMs: number;
  private readonly now: () => number;

  constructor(path: string, opts: JobStoreOptions) {
    this.path = path;
    this.db = openSqlite(path);
    ensureJobSchema(this.db);
    this.instanceId = opts.instanceId ?? randomUUID();
    this.leaseMs = opts.leaseMs;
    this.now = opts.now ?? Date.now;
  }

  create(input: { owner: string; provider: string; model?: string; requestHash: string }): JobRecord {
    const id = randomUUID();
    const now = this.now();
    this.db
      .prepare(
        `INSERT INTO jobs (id, owner, provider, model, state, request_hash, instance_id, lease_expires_at, created_at)
         VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(
        id,
        input.owner,
        input.provider,
        input.model ?? null,
        input.requestHash,
        this.instanceId,
        now + this.leaseMs,
        now,
      );
    return this.peek(id)!;
  }

  /** A live or completed job of the same owner with the same request hash, created within the window. */
  findDuplicate(owner: string, requestHash: string, windowMs: number): JobRecord | undefined {
    if (windowMs <= 0) return undefined;
    const row = this.db
      .prepare(
        `SELECT * FROM jobs WHERE owner = ? AND request_hash = ? AND created_at >= ?
           AND state IN ('queued', 'running', 'completed') ORDER BY created_at DESC LIMIT 1`,
      )
      .get(owner, requestHash, this.now() - windowMs) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** The caller's job, or JOB_NOT_FOUND (same error for unknown ids and other owners' ids). */
  get(owner: string, id: string): JobRecord {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ? AND owner = ?').get(id, owner) as
      Row | undefined;
    if (row === undefined) throw jobNotFound(id);
    return toRecord(row);
  }

  /** Internal lookup without an owner: never reachable from a tool argument alone. */
  peek(id: string): JobRecord | undefined {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  list(owner: string, limit = 50): JobRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE owner = ? ORDER BY created_at DESC LIMIT ?')
      .all(owner, Math.max(1, Math.min(limit, 500))) as Row[];
    return rows.map(toRecord);
  }

  /** Moves a job along the transition table (compare-and-set on the current state). */
  transition(id: string, to: JobState, fields: TransitionFields = {}): JobRecord {
    const tx = this.db.transaction(() => {
      const current = this.db.prepare('SELECT state FROM jobs WHERE id = ?').get(id) as
        { state: JobState } | undefined;
      if (current === undefined) throw jobNotFound(id);
      if (!canTransition(current.state, to)) {
        throw new JobError('JOB_INVALID_TRANSITION', `job ${id} cannot move from ${current.state} to ${to}`);
      }
      const now = this.now();
      this.db
        .prepare(
          `UPDATE jobs SET state = @to,
             started_at = CASE WHEN @to = 'running' THEN @now ELSE started_at END,
             finished_at = CASE WHEN @to IN ('completed','failed','canceled','orphaned') THEN @now ELSE finished_at END,
             pid = COALESCE(@pid, pid), pid_start = COALESCE(@pidStart, pid_start),
             correlation_id = COALESCE(@correlationId, correlation_id),
             error_code = COALESCE(@errorCode, error_code), error_message = COALESCE(@errorMessage, error_message),
             result_json = COALESCE(@result, result_json),
             lease_expires_at = @lease
           WHERE id = @id AND state = @from`,
        )
        .run({
          id,
          to,
          from: current.state,
          now,
          pid: fields.pid ?? null,
          pidStart: fields.pidStart ?? null,
          correlationId: fields.correlationId ?? null,
          errorCode: fields.error?.code ?? null,
          errorMessage: fields.error?.message ?? null,
          result: fields.result === undefined ? null : JSON.stringify(fields.result),
          lease: now + this.leaseMs,
        });
    });
    tx.immediate();
    return this.peek(id)!;
  }

  /** Records the spawned process group without changing state (for orphan clean-up). */
  setProcess(id: string, pid: number, pidStart: string | null): void {
    this.db.prepare('UPDATE jobs SET pid = ?, pid_start = ? WHERE id = ?').run(pid, pidStart, id);
  }

  /** Appends captured output; offsets are JavaScript string offsets per stream. */
  appendOutput(id: string, stream: OutputStream, data: string): void {
    if (data.length === 0) return;
    const column = stream === 'stdout' ? 'stdout_chars' : 'stderr_chars';
    const tx = this.db.transaction(() => {
      const row = this.db.prepare(`SELECT ${column} AS n FROM jobs WHERE id = ?`).get(id) as
        { n: number } | undefined;
      if (row === undefined) throw jobNotFound(id);
      this.db
        .prepare('INSERT INTO job_output (job_id, stream, start, len, data) VALUES (?, ?, ?, ?, ?)')
        .run(id, stream, row.n, data.length, data);
      this.db.prepare(`UPDATE jobs SET ${column} = ? WHERE id = ?`).run(row.n + data.length, id);
    });
    tx.immediate();
  }

  /** One page of a stream, owner-checked. */
  readOutput(owner: string, id: string, stream: OutputStream, offset: number, limit: number): OutputPage {
    const job = this.get(owner, id);
    const total = stream === 'stdout' ? job.stdoutChars : job.stderrChars;
    const start = Math.max(0, Math.min(offset, total));
    const end = Math.min(total, start + Math.max(0, limit));
    const chunks = this.db
      .prepare(
        `SELECT start, data FROM job_output WHERE job_id = ? AND stream = ? AND start < ? AND start + len > ? ORDER BY start`,
      )
      .all(id, stream, end, start) as Array<{ start: number; data: string }>;
    const data = chunks.map((c) => c.data.slice(Math.max(0, start - c.start), end - c.start)).join('');
    return { stream, offset: start, data, nextOffset: start + data.length, total };
  }

  /**
   * Renews the lease of every active job this instance owns. Returns the ids
   * among them whose cancellation another gateway instance requested.
   */
  heartbeat(): string[] {
    this.db
      .prepare(`UPDATE jobs SET lease_expires_at = ? WHERE instance_id = ? AND state IN ('queued','running')`)
      .run(this.now() + this.leaseMs, this.instanceId);
    return this.db
      .prepare(
        `SELECT id FROM jobs WHERE instance_id = ? AND state IN ('queued','running') AND cancel_requested = 1`,
      )
      .pluck()
      .all(this.instanceId) as string[];
  }

  /** Asks whichever instance runs the job to cancel it (picked up by its next heartbeat). */
  requestCancel(owner: string, id: string): void {
    this.get(owner, id);
    this.db.prepare('UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND owner = ?').run(id, owner);
  }

  /** True when the job is active and held by this instance. */
  ownedHere(id: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM jobs WHERE id = ? AND instance_id = ? AND state IN ('queued','running')`)
        .get(id, this.instanceId) !== undefined
    );
  }

  /**
   * Marks as orphaned every active job whose lease expired and whose owning
   * process is another instance (this one renews its own leases). Output
   * captured before the crash stays readable.
   */
  recoverOrphans(): OrphanedJob[] {
    const rows = this.db
      .prepare(
        `UPDATE jobs SET state = 'orphaned', finished_at = @now, error_code = 'ORPHANED',
           error_message = 'the gateway process running this job stopped before it finished (lease expired); output captured until then is kept'
         WHERE state IN ('queued','running') AND instance_id != @me AND lease_expires_at < @now
         RETURNING id, pid, pid_start`,
      )
      .all({ now: this.now(), me: this.instanceId }) as Array<{
      id: string;
      pid: number | null;
      pid_start: string | null;
    }>;
    return rows.map((r) => ({ id: r.id, pid: r.pid, pidStart: r.pid_start }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
