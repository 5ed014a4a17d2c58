import { QuerySandboxError } from './errors.js';

interface Task<T> {
  readonly run: () => Promise<T>;
  readonly resolve: (v: T) => void;
  readonly reject: (e: unknown) => void;
}

export interface FairSchedulerOptions {
  /** Tasks running at once across all principals (one per worker). */
  readonly slots: number;
  /** Tasks one principal may have waiting; beyond: `<prefix>_SATURATED`. */
  readonly maxQueuedPerPrincipal: number;
  readonly codePrefix: string;
}

/**
 * A per-principal queue with a round-robin dispatcher. Each principal has its
 * own FIFO and at most one task running; a free slot goes to the waiting
 * principal served least recently,
 * so a caller who queues many runaway statements delays only themselves:
 * another principal's statement waits at most for a slot, never behind that
 * backlog. With `slots >= 2`, one principal can never hold every slot.
 */
export class FairScheduler {
  readonly #queues = new Map<string, Task<unknown>[]>();
  /** Principals with waiting tasks, in arrival order. */
  readonly #ring: string[] = [];
  readonly #running = new Set<string>();
  /** Turn number of each principal's last dispatch. */
  readonly #served = new Map<string, number>();
  #turn = 0;
  #closed = false;

  constructor(private readonly opts: FairSchedulerOptions) {}

  submit<T>(principal: string, run: () => Promise<T>): Promise<T> {
    const p = this.opts.codePrefix;
    if (this.#closed)
      return Promise.reject(new QuerySandboxError(`${p}_CLOSED`, 'the query sandbox is closed', 'CLOSED'));
    const queue = this.#queues.get(principal) ?? [];
    if (queue.length >= this.opts.maxQueuedPerPrincipal) {
      return Promise.reject(
        new QuerySandboxError(
          `${p}_SATURATED`,
          `you already have ${queue.length} queries waiting; wait for them to finish`,
          'SATURATED',
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#queues.has(principal)) {
        this.#queues.set(principal, queue);
        this.#ring.push(principal);
      }
      this.#dispatch();
    });
  }

  /** Waiting and running counts per principal (for tests and diagnostics). */
  stats(): { running: string[]; queued: Record<string, number> } {
    return {
      running: [...this.#running],
      queued: Object.fromEntries([...this.#queues].map(([k, q]) => [k, q.length])),
    };
  }

  /** Refuses new tasks and rejects waiting ones; running ones finish or are killed by their owner. */
  close(): void {
    this.#closed = true;
    const p = this.opts.codePrefix;
    for (const queue of this.#queues.values()) {
      for (const t of queue.splice(0))
        t.reject(new QuerySandboxError(`${p}_CLOSED`, 'the query sandbox closed', 'CLOSED'));
    }
    this.#queues.clear();
    this.#ring.length = 0;
  }

  #dispatch(): void {
    while (this.#running.size < this.opts.slots) {
      // Least recently served principal first (never served = first of all), among those not running:
      // a principal who just had a turn goes behind everyone waiting, however fast it re-queues.
      let pick: string | undefined;
      for (const principal of this.#ring) {
        if (this.#running.has(principal)) continue;
        if (pick === undefined || (this.#served.get(principal) ?? -1) < (this.#served.get(pick) ?? -1))
          pick = principal;
      }
      if (pick === undefined) return;
      const principal = pick;
      const queue = this.#queues.get(principal)!;
      const task = queue.shift()!;
      if (queue.length === 0) {
        this.#queues.delete(principal);
        this.#ring.splice(this.#ring.indexOf(principal), 1);
      }
      this.#served.set(principal, ++this.#turn);
      this.#running.add(principal);
      void Promise.resolve()
        .then(task.run)
        .then(task.resolve, task.reject)
        .finally(() => {
          this.#running.delete(principal);
          this.#dispatch();
        });
    }
  }
}
