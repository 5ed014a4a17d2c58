import type { ReconStore } from '../store/index.js';

type Job = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/** Calls committed together at most (a longer queue goes on in the next group). */
export const MAX_GROUP = 64;

/**
 * Group commit for the transactional part of tool calls (handler + its audit record).
 * Calls that reach the dispatcher in the same turn of the event loop (concurrent clients)
 * run one after another, in arrival order, in ONE write transaction: one BEGIN IMMEDIATE,
 * one signature over the head it leaves and one COMMIT for the group, instead of one per
 * call. Each call's writes and its audit record still commit together, and no caller gets
 * an answer before the transaction holding its record committed.
 *
 * If a call of a group throws, the whole group rolls back and every call of it runs again
 * on its own, in order, each in its own transaction: exactly what the calls would have done
 * without grouping (the failed one then fails alone, the others commit). A group of one is
 * just that call's own transaction.
 */
export class GroupCommitter {
  #queue: Job[] = [];
  #scheduled = false;

  constructor(private readonly store: ReconStore) {}

  /** Runs `work` (synchronous, may write) in the next group's transaction; resolves after its commit. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) this.#schedule();
    });
  }

  #schedule(): void {
    this.#scheduled = true;
    // After the I/O callbacks of this turn: every request read in it has joined the queue.
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    const jobs = this.#queue.splice(0, MAX_GROUP);
    this.#scheduled = false;
    if (this.#queue.length > 0) this.#schedule();
    if (jobs.length === 1) return this.#alone(jobs[0]!);
    let values: unknown[];
    try {
      values = this.store.tx(() => jobs.map((job) => job.work()));
    } catch {
      // someone's call failed (or the commit did): replay the group one call at a time
      for (const job of jobs) this.#alone(job);
      return;
    }
    jobs.forEach((job, i) => job.resolve(values[i]));
  }

  #alone(job: Job): void {
    let value: unknown;
    try {
      value = this.store.tx(job.work);
    } catch (error) {
      job.reject(error);
      return;
    }
    job.resolve(value);
  }
}

const committers = new WeakMap<ReconStore, GroupCommitter>();

/** The one committer of a store (all sessions of a server share the store). */
export function groupCommitterFor(store: ReconStore): GroupCommitter {
  let committer = committers.get(store);
  if (committer === undefined) {
    committer = new GroupCommitter(store);
    committers.set(store, committer);
  }
  return committer;
}
