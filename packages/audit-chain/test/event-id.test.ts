import { describe, expect, it } from 'vitest';
import { timeOrderedUuid } from '../src/chain/event-id.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const msOf = (id: string): number => parseInt(id.replace('-', '').slice(0, 12), 16);

describe('default event ids (UUIDv7, time-ordered)', () => {
  it('carries the millisecond time in its first 48 bits, with version 7 and the RFC variant', () => {
    const now = Date.UTC(2030, 0, 2, 3, 4, 5, 678);
    const id = timeOrderedUuid(now);
    expect(id).toMatch(UUID_V7);
    expect(msOf(id)).toBe(now);
  });

  it('is strictly increasing within one millisecond, past the 12-bit counter, and unique', () => {
    const now = Date.UTC(2031, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => timeOrderedUuid(now));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => UUID_V7.test(id))).toBe(true);
    // 10,000 ids cannot fit one millisecond's counter: time is borrowed from the next ones.
    expect(msOf(ids.at(-1)!)).toBeGreaterThan(now);
  });

  it('stays increasing when the clock steps back', () => {
    const a = timeOrderedUuid(Date.UTC(2032, 5, 1));
    const b = timeOrderedUuid(Date.UTC(2032, 4, 1));
    expect(b > a).toBe(true);
  });

  it('keeps 62 random bits: two ids in the same millisecond differ beyond the counter', () => {
    const now = Date.UTC(2033, 0, 1);
    const tails = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(now).slice(19)));
    expect(tails.size).toBe(1000);
  });
});
