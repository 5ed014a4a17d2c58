import { JobError } from './errors.js';
import type { PgJobStore } from './pg-store.js';
import { processStartTime } from './process-identity.js';
import type { Slot } from './scheduler.js';

/** A sync request's slot row; once adopted, the job's own end frees it. */
export class PgSlot implements Slot {
  released = false;
  adopted = false;
  constructor(
    readonly rowId: string,
    private readonly store: PgJobStore,
  ) {}
  release(): void {
    if (this.released || this.adopted) return;
    this.released = true;
    void this.store.releaseSync(this.rowId).catch(() => undefined);
  }
  /** A sync request's CLI is recorded too, so an instance that dies mid-request leaves no stray group. */
  onSpawn(pid: number): void {
    void this.store.setProcess(this.rowId, pid, processStartTime(pid)).catch(() => undefined);
  }
}

interface SyncWaiter {
  grant(slot: Slot): void;
  fail(err: Error): void;
}

/**
 * Sync requests waiting for a slot on this instance: each has a row queued
 * and pinned here; the manager's claim grants it (`grant`), or the request
 * gives up (abort, queue timeout) and leaves the queue.
 */
export class PgSyncSlots {
  private readonly waiters = new Map<string, SyncWaiter>();

  constructor(
    private readonly store: PgJobStore,
    private readonly queueTimeoutMs: number,
    /** Asks the manager to claim (a new row is queued). */
    private readonly dispatch: () => void,
  ) {}

  /** Requests waiting here. */
  get waiting(): number {
    return this.waiters.size;
  }

  async acquire(provider: string, signal: AbortSignal | undefined, owner: string): Promise<Slot> {
    if (signal?.aborted) throw new JobError('QUEUE_ABORTED', 'request canceled while queued');
    const { id, granted } = await this.store.acquireSync(owner, provider);
    if (granted) return new PgSlot(id, this.store);
    const timeoutMs = this.queueTimeoutMs;
    return new Promise<Slot>((resolve, reject) => {
      const giveUp = (err: JobError, to: 'canceled' | 'failed') => {
        cleanup();
        void this.store.dequeue(id, to, { code: err.code, message: err.message }).then(
          (left) => {
            if (left) {
              this.waiters.delete(id);
              reject(err);
            }
            // else: claimed meanwhile; the grant finds no waiter... unless it is still registered:
            // keep the waiter so the slot is handed over and released by the caller as usual.
          },
          () => reject(err),
        );
      };
      const onAbort = () =>
        giveUp(new JobError('QUEUE_ABORTED', 'request canceled while queued'), 'canceled');
      const timer = setTimeout(
        () =>
          giveUp(
            new JobError(
              'QUEUE_TIMEOUT',
              `waited ${Math.round(timeoutMs / 1000)} s for a free ${provider} slot; retry later`,
              true,
            ),
            'failed',
          ),
        timeoutMs,
      );
      timer.unref?.();
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(id, {
        grant: (slot) => {
          cleanup();
          resolve(slot);
        },
        fail: (err) => {
          cleanup();
          reject(err);
        },
      });
      this.dispatch();
    });
  }

  /** A sync row this instance claimed: its waiting request gets the slot, or it is freed at once. */
  grant(id: string): void {
    const slot = new PgSlot(id, this.store);
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    if (waiter === undefined)
      slot.release(); // its request gave up meanwhile
    else waiter.grant(slot);
  }

  /** Shutdown: every waiting request fails (retryable) and leaves the queue. */
  failAll(): void {
    for (const [id, waiter] of this.waiters) {
      this.waiters.delete(id);
      void this.store
        .dequeue(id, 'canceled', { code: 'JOB_STORE_CLOSED', message: 'the gateway is shutting down' })
        .catch(() => undefined);
      waiter.fail(
        new JobError('JOB_STORE_CLOSED', 'the gateway is shutting down; retry on another instance', true),
      );
    }
  }
}
