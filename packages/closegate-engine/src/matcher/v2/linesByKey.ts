import type { V2Line } from './line.js';

/**
 * Lines by string key, in the order added. A key held by one line maps to
 * the line itself (most keys of a reference or token index are held by one
 * line): no array per key. On a large book's leftover lines the key indexes
 * held hundreds of thousands of one-element arrays, rebuilt for each rule.
 */
export class LinesByKey {
  private readonly byKey = new Map<string, V2Line | V2Line[]>();

  add(key: string, l: V2Line): void {
    const held = this.byKey.get(key);
    if (held === undefined) this.byKey.set(key, l);
    else if (Array.isArray(held)) held.push(l);
    else this.byKey.set(key, [held, l]);
  }

  /** Adds the lines held under `key` to `out`, in the order they were added. */
  addTo(key: string, out: Set<V2Line>): void {
    const held = this.byKey.get(key);
    if (held === undefined) return;
    if (Array.isArray(held)) for (const l of held) out.add(l);
    else out.add(held);
  }
}
