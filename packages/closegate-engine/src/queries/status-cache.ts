import type { ReconStore } from '../store/index.js';

/**
 * Remembers one value computed from the recon tables (not the audit tables) for as long
 * as the store's change stamp says nothing but audit rows changed since (see
 * store/change-stamp.ts). A T0 status read appends an audit event per call, and nothing
 * else; recounting every entry per call made the read grow with the book.
 *
 * The value is stored only when it was read at a stable point (store.stableStamp): never
 * inside a transaction that had already written other rows, which could still roll back
 * under it. It is frozen, so a caller cannot change what the next caller gets.
 */
export class StableReadCache<T extends object> {
  #stamp: string | undefined;
  #value: Readonly<T> | undefined;

  constructor(
    private readonly store: ReconStore,
    private readonly compute: () => T,
  ) {}

  get(): Readonly<T> {
    const stamp = this.store.stableStamp();
    if (stamp !== undefined && stamp === this.#stamp) return this.#value!;
    const value = deepFreeze(this.compute());
    this.#stamp = stamp;
    this.#value = value;
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
