import type { JobStoreApi } from './store-api.js';
import { JobStore, type JobStoreOptions, type TransitionFields } from './store.js';
import type { JobState } from './states.js';
import type { OutputStream } from './store.js';

/**
 * The SQLite job store behind the async interface. better-sqlite3 is
 * synchronous, so each call completes before its promise is returned: the
 * single-instance behaviour (and ordering) is exactly that of `JobStore`.
 */
export class SqliteJobStore implements JobStoreApi {
  readonly backend = 'sqlite' as const;
  readonly sync: JobStore;

  constructor(path: string, opts: JobStoreOptions) {
    this.sync = new JobStore(path, opts);
  }

  get instanceId(): string {
    return this.sync.instanceId;
  }

  get path(): string {
    return this.sync.path;
  }

  private async call<T>(fn: () => T): Promise<T> {
    return fn();
  }

  create(input: { owner: string; provider: string; model?: string; requestHash: string }) {
    return this.call(() => this.sync.create(input));
  }
  findDuplicate(owner: string, requestHash: string, windowMs: number) {
    return this.call(() => this.sync.findDuplicate(owner, requestHash, windowMs));
  }
  get(owner: string, id: string) {
    return this.call(() => this.sync.get(owner, id));
  }
  peek(id: string) {
    return this.call(() => this.sync.peek(id));
  }
  list(owner: string, limit?: number) {
    return this.call(() => this.sync.list(owner, limit));
  }
  transition(id: string, to: JobState, fields?: TransitionFields) {
    return this.call(() => this.sync.transition(id, to, fields));
  }
  setProcess(id: string, pid: number, pidStart: string | null) {
    return this.call(() => this.sync.setProcess(id, pid, pidStart));
  }
  appendOutput(id: string, stream: OutputStream, data: string) {
    return this.call(() => this.sync.appendOutput(id, stream, data));
  }
  readOutput(owner: string, id: string, stream: OutputStream, offset: number, limit: number) {
    return this.call(() => this.sync.readOutput(owner, id, stream, offset, limit));
  }
  heartbeat() {
    return this.call(() => this.sync.heartbeat());
  }
  requestCancel(owner: string, id: string) {
    return this.call(() => this.sync.requestCancel(owner, id));
  }
  recoverOrphans() {
    return this.call(() => this.sync.recoverOrphans());
  }
  close() {
    return this.call(() => this.sync.close());
  }
}
