import { describe, expect, it } from 'vitest';
import { csrfMatches, SessionStore } from '../../src/auth/sessions.js';

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('server-side sessions', () => {
  it('hands out a random 256-bit id and finds the session only by it', () => {
    const store = new SessionStore();
    const a = store.create('human:alice', 'Alice', 'oidc');
    const b = store.create('human:alice', 'Alice', 'oidc');
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.session.csrfToken).not.toBe(b.session.csrfToken);
    expect(store.get(a.id)?.actorId).toBe('human:alice');
    for (const bad of [
      undefined,
      '',
      'x',
      a.id.slice(0, -1),
      `${a.id}=`,
      a.id.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
    ])
      expect(store.get(bad)).toBeUndefined();
  });

  it('ends a session after the idle limit and after the absolute limit, however busy', () => {
    const c = clock();
    const store = new SessionStore({ idleMs: 1000, absoluteMs: 5000, now: c.now });
    const idle = store.create('human:a', 'a', 'dev');
    c.advance(1001);
    expect(store.get(idle.id)).toBeUndefined();
    const busy = store.create('human:b', 'b', 'dev');
    for (let i = 0; i < 5; i++) {
      c.advance(900);
      expect(store.get(busy.id)).toBeDefined();
    }
    c.advance(900); // 5,400 ms after login
    expect(store.get(busy.id)).toBeUndefined();
  });

  it('forgets a destroyed session and evicts the oldest beyond the cap', () => {
    const store = new SessionStore({ maxSessions: 2 });
    const first = store.create('human:a', 'a', 'oidc');
    const second = store.create('human:b', 'b', 'oidc');
    store.create('human:c', 'c', 'oidc');
    expect(store.get(first.id)).toBeUndefined();
    expect(store.get(second.id)).toBeDefined();
    store.destroy(second.id);
    expect(store.get(second.id)).toBeUndefined();
  });

  it('compares the CSRF token exactly', () => {
    const { session } = new SessionStore().create('human:a', 'a', 'oidc');
    expect(csrfMatches(session, session.csrfToken)).toBe(true);
    expect(csrfMatches(session, undefined)).toBe(false);
    expect(csrfMatches(session, '')).toBe(false);
    expect(
      csrfMatches(
        session,
        session.csrfToken.toUpperCase() === session.csrfToken ? 'x' : session.csrfToken.toUpperCase(),
      ),
    ).toBe(false);
    expect(csrfMatches(session, `${session.csrfToken} `)).toBe(false);
  });
});
