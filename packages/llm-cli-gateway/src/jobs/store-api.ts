import type { JobRecord, OrphanedJob, OutputPage, OutputStream, TransitionFields } from './store.js';

/**
 * What the job manager needs from a job store, asynchronously, so that a
 * network database (PostgreSQL, several gateway instances) and the local
 * SQLite file sit behind one interface. Every client-facing read takes the
 * owner: another owner's job is indistinguishable from an unknown id.
 */
export interface JobStoreApi {
  readonly instanceId: string;
  readonly backend: 'sqlite' | 'postgres';
  create(input: { owner: string; provider: string; model?: string; requestHash: string }): Promise<JobRecord>;
  findDuplicate(owner: string, requestHash: string, windowMs: number): Promise<JobRecord | undefined>;
  get(owner: string, id: string): Promise<JobRecord>;
  /** Internal lookup without an owner: never reachable from a tool argument alone. */
  peek(id: string): Promise<JobRecord | undefined>;
  list(owner: string, limit?: number): Promise<JobRecord[]>;
  transition(id: string, to: JobRecord['state'], fields?: TransitionFields): Promise<JobRecord>;
  setProcess(id: string, pid: number, pidStart: string | null): Promise<void>;
  appendOutput(id: string, stream: OutputStream, data: string): Promise<void>;
  readOutput(
    owner: string,
    id: string,
    stream: OutputStream,
    offset: number,
    limit: number,
  ): Promise<OutputPage>;
  /** Renews this instance's leases; returns the ids whose cancellation was requested elsewhere. */
  heartbeat(): Promise<string[]>;
  requestCancel(owner: string, id: string): Promise<void>;
  recoverOrphans(): Promise<OrphanedJob[]>;
  close(): Promise<void>;
}
