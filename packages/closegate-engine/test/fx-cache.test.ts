import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { demoEngine } from './helpers.js';

/**
 * The engine caches the fx_rates table between writes. A cached rate must
 * never outlive the row it came from: a rate written by another process, by
 * this connection, or rolled back must show the same way an uncached read
 * would show it.
 */
const LATER = { base: 'JPY', quote: 'USD', rate: '0.0070', asOf: '2026-03-01' };

function jpyOn(e: ReturnType<typeof demoEngine>, date: string): string {
  return e.context.fx.rate('JPY', 'USD', date).rate;
}

describe('stored FX rates', () => {
  it('sees a rate another connection commits after the table was cached', () => {
    const e = demoEngine();
    expect(jpyOn(e, '2026-03-15')).toBe('0.0065');
    const other = new Database(e.dbPath);
    other
      .prepare('INSERT INTO fx_rates (base, quote, rate, as_of) VALUES (?, ?, ?, ?)')
      .run(LATER.base, LATER.quote, LATER.rate, LATER.asOf);
    other.close();
    expect(jpyOn(e, '2026-03-15')).toBe('0.007');
    expect(jpyOn(e, '2026-02-15')).toBe('0.0065');
    e.close();
  });

  it('sees a rate this connection writes, and forgets it when its transaction rolls back', () => {
    const e = demoEngine();
    expect(jpyOn(e, '2026-03-15')).toBe('0.0065');
    const seenInside = { rate: '' };
    expect(() =>
      e.context.store.tx(() => {
        e.context.store.config.addRate(LATER);
        seenInside.rate = jpyOn(e, '2026-03-15');
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(seenInside.rate).toBe('0.007');
    expect(jpyOn(e, '2026-03-15')).toBe('0.0065');
    e.context.store.tx(() => e.context.store.config.addRate(LATER));
    expect(jpyOn(e, '2026-03-15')).toBe('0.007');
    e.close();
  });
});
