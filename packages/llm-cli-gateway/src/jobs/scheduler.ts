import { JobError, SaturatedError } from './errors.js';

export interface SchedulerLimits {
  readonly maxConcurrent: number;
  readonly perProvider: Readonly<Partial<Record<string, number>>>;
  /** Waiters allowed beyond the running slots; 0 = no queue. */
  readonly maxQueue: number;
  readonly queueTimeoutMs: number;
  /** Slots one principal may hold at once (default: no per-principal cap). */
  readonly perPrincipal?: number;
  /** Waiters one principal may have queued (default: no per-principal cap). */
  readonly perPrincipalQueue?: number;
}

/** A granted slot; `release` is idempotent. */
export interface Slot {
  release(): void;
  /** Records the CLI's process group on the slot (the PostgreSQL plane, for orphan clean-up). */
  onSpawn?(pid: number): void;
}

/**
 * What the request plane asks for a slot: the in-memory `SlotScheduler` of one
 * process, or the database-accounted gate of the PostgreSQL plane.
 */
export interface SlotGate {
  acquire(provider: string, signal?: AbortSignal, owner?: string): Promise<Slot>;
  /** This process's view (for the PostgreSQL plane: the slots this instance holds or awaits). */
  stats(): SchedulerStats;
}

interface Waiter {
  provider: string;
  owner: string;
  grant: (slot: Slot) => void;
  fail: (err: Error) => void;
  timer: NodeJS.Timeout;
  cleanup: () => void;
}

export interface SchedulerStats {
  running: number;
  queued: number;
  runningByProvider: Record<string, number>;
}

/**
 * Concurrency gate shared by sync requests and async jobs: a global limit, a
 * limit per provider, and one bounded FIFO queue. A waiter starts as soon as
 * it fits, in arrival order among those that fit (a request for an idle
 * provider is not stuck behind one waiting for a busy provider). A full queue
 * is refused at once with a retryable `SaturatedError`; a waiter that waits
 * longer than the queue timeout fails with QUEUE_TIMEOUT.
 */
export class SlotScheduler implements SlotGate {
  private running = 0;
  private readonly byProvider = new Map<string, number>();
  private readonly byOwner = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(private readonly limits: SchedulerLimits) {}

  /**
   * A slot for `provider`, now or when one frees up. Throws `SaturatedError`
   * synchronously (not as a rejected promise) when the queue is full, so a
   * caller can refuse before recording anything.
   */
  acquire(provider: string, signal?: AbortSignal, owner = ''): Promise<Slot> {
    if (signal?.aborted)
      return Promise.reject(new JobError('QUEUE_ABORTED', 'request canceled while queued'));
    if (this.fits(provider, owner)) return Promise.resolve(this.take(provider, owner));
    const ownQueued = this.queue.filter((w) => w.owner === owner).length;
    if (this.limits.perPrincipalQueue !== undefined && ownQueued >= this.limits.perPrincipalQueue) {
      // One caller's backlog never fills the queue others need.
      throw new SaturatedError(
        `of your (${owner})`,
        Math.max(1, Math.ceil(this.limits.queueTimeoutMs / 10_000)),
      );
    }
    if (this.queue.length >= this.limits.maxQueue) {
      const scope = this.running >= this.limits.maxConcurrent ? 'gateway' : provider;
      throw new SaturatedError(scope, Math.max(1, Math.ceil(this.limits.queueTimeoutMs / 10_000)));
    }
    return new Promise<Slot>((resolve, reject) => {
      const onAbort = () => {
        this.remove(waiter);
        reject(new JobError('QUEUE_ABORTED', 'request canceled while queued'));
      };
      const waiter: Waiter = {
        provider,
        owner,
        grant: resolve,
        fail: reject,
        cleanup: () => {
          clearTimeout(waiter.timer);
          signal?.removeEventListener('abort', onAbort);
        },
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(
            new JobError(
              'QUEUE_TIMEOUT',
              `waited ${Math.round(this.limits.queueTimeoutMs / 1000)} s for a free ${provider} slot; retry later`,
              true,
            ),
          );
        }, this.limits.queueTimeoutMs),
      };
      waiter.timer.unref?.();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  stats(): SchedulerStats {
    return {
      running: this.running,
      queued: this.queue.length,
      runningByProvider: Object.fromEntries(this.byProvider),
    };
  }

  private limitFor(provider: string): number {
    return this.limits.perProvider[provider] ?? this.limits.maxConcurrent;
  }

  private fits(provider: string, owner: string): boolean {
    return (
      this.running < this.limits.maxConcurrent &&
      (this.byProvider.get(provider) ?? 0) < this.limitFor(provider) &&
      (this.limits.perPrincipal === undefined || (this.byOwner.get(owner) ?? 0) < this.limits.perPrincipal)
    );
  }

  private take(provider: string, owner: string): Slot {
    this.running++;
    this.byProvider.set(provider, (this.byProvider.get(provider) ?? 0) + 1);
    this.byOwner.set(owner, (this.byOwner.get(owner) ?? 0) + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.running--;
        this.byProvider.set(provider, (this.byProvider.get(provider) ?? 1) - 1);
        const left = (this.byOwner.get(owner) ?? 1) - 1;
        if (left <= 0) this.byOwner.delete(owner);
        else this.byOwner.set(owner, left);
        this.drain();
      },
    };
  }

  private remove(waiter: Waiter): void {
    const i = this.queue.indexOf(waiter);
    if (i !== -1) this.queue.splice(i, 1);
    waiter.cleanup();
  }

  private drain(): void {
    for (let i = 0; i < this.queue.length && this.running < this.limits.maxConcurrent;) {
      const waiter = this.queue[i]!;
      if (!this.fits(waiter.provider, waiter.owner)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      waiter.cleanup();
      waiter.grant(this.take(waiter.provider, waiter.owner));
    }
  }
}
