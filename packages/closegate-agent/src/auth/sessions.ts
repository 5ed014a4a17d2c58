import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  actorId: string;
  displayName: string;
  authMethod: 'oidc' | 'dev';
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionStoreOptions {
  /** A session unused this long ends (default 8 h). */
  idleMs?: number;
  /** A session ends this long after login whatever happens (default 12 h). */
  absoluteMs?: number;
  /** Sessions kept at most; the oldest goes first (default 10,000). */
  maxSessions?: number;
  now?: () => number;
}

const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

/**
 * Server-side sessions. The cookie holds a random id; the map is keyed by its
 * SHA-256, so a dump of this process's memory does not hand out live cookies.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #idle: number;
  readonly #absolute: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(o: SessionStoreOptions = {}) {
    this.#idle = o.idleMs ?? 8 * 3600_000;
    this.#absolute = o.absoluteMs ?? 12 * 3600_000;
    this.#max = o.maxSessions ?? 10_000;
    this.#now = o.now ?? Date.now;
  }

  /** A new session; returns the cookie value (the only copy of the id). */
  create(
    actorId: string,
    displayName: string,
    authMethod: Session['authMethod'],
  ): { id: string; session: Session } {
    const id = randomBytes(32).toString('base64url');
    const now = this.#now();
    const session: Session = {
      actorId,
      displayName,
      authMethod,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    };
    if (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value!);
    this.#sessions.set(digest(id), session);
    return { id, session };
  }

  get(id: string | undefined): Session | undefined {
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
    const key = digest(id);
    const s = this.#sessions.get(key);
    if (s === undefined) return undefined;
    const now = this.#now();
    if (now - s.lastSeenAt > this.#idle || now - s.createdAt > this.#absolute) {
      this.#sessions.delete(key);
      return undefined;
    }
    s.lastSeenAt = now;
    return s;
  }

  destroy(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(digest(id));
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(session: Session, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}
