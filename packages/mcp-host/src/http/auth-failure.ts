import type { AuthThrottleOptions } from './options.js';

/** What is known about a refused authentication. Never carries the presented credential. */
export type AuthFailureEvent = {
  at: Date;
  /** Peer address of the TCP connection. */
  remoteAddress: string;
  method: string;
  path: string;
  status: 401 | 403;
  /** The authenticator's log-safe reason. */
  reason: string;
  /** Failures counted for this address in the current window (including this one). */
  failures: number;
  /** Back-off now imposed on the address, 0 while it still has free failures. */
  retryAfterSeconds: number;
  /** The refused request carried an Authorization header (its value is not recorded). */
  credentialPresented: boolean;
};

type Entry = { failures: number; lastFailure: number; blockedUntil: number };

/**
 * Failed authentications counted per source address with exponential back-off: after
 * `freeFailures` refusals each further one doubles the wait (up to `maxDelayMs`), and
 * while an address waits its requests are refused before any credential is examined.
 * Bounded memory: at most `maxTrackedAddresses` entries, the stalest forgotten first.
 */
export class AuthFailureThrottle {
  // Map iteration order is insertion order; re-inserting on each failure keeps it LRU.
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: AuthThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds the address must still wait, or 0 when it may try. */
  retryAfterSeconds(address: string): number {
    const entry = this.fresh(address);
    if (!entry) return 0;
    const wait = entry.blockedUntil - this.now();
    return wait > 0 ? Math.ceil(wait / 1000) : 0;
  }

  /** Counts a failure; returns the failures in the window and the back-off now imposed (seconds). */
  recordFailure(address: string): { failures: number; retryAfterSeconds: number } {
    const now = this.now();
    const entry = this.fresh(address) ?? { failures: 0, lastFailure: now, blockedUntil: 0 };
    entry.failures++;
    entry.lastFailure = now;
    const over = entry.failures - this.options.freeFailures;
    if (over > 0) {
      const delay = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(over - 1, 40));
      entry.blockedUntil = now + delay;
    }
    this.entries.delete(address);
    this.entries.set(address, entry);
    while (this.entries.size > this.options.maxTrackedAddresses) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return { failures: entry.failures, retryAfterSeconds: this.retryAfterSeconds(address) };
  }

  get trackedAddresses(): number {
    return this.entries.size;
  }

  private fresh(address: string): Entry | undefined {
    const entry = this.entries.get(address);
    if (!entry) return undefined;
    const now = this.now();
    if (now - entry.lastFailure > this.options.forgetAfterMs && now >= entry.blockedUntil) {
      this.entries.delete(address);
      return undefined;
    }
    return entry;
  }
}
