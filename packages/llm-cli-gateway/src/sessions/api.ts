import type { Awaitable } from '../recorder/api.js';
import type { ProviderId } from '../providers/contract.js';
import type { Session } from './schema.js';

/**
 * The session store as the gateway uses it: `sessions.json` (`SessionStore`,
 * the default) or PostgreSQL (`PgSessionStore`). Every lookup is scoped to the
 * owner principal; another owner's session is "not found". Work directories
 * stay on this machine's disk in both.
 */
export interface Sessions {
  list(owner: string, cli?: ProviderId): Awaitable<Session[]>;
  get(owner: string, id: string): Awaitable<Session>;
  active(owner: string, cli: ProviderId): Awaitable<Session | undefined>;
  create(
    owner: string,
    cli: ProviderId,
    description: string,
    makeActive?: boolean,
    workspace?: string,
  ): Awaitable<Session>;
  setActive(owner: string, id: string): Awaitable<Session>;
  touch(owner: string, id: string, providerSessionId: string | undefined): Awaitable<Session>;
  delete(owner: string, id: string): Awaitable<void>;
  clear(owner: string, cli?: ProviderId): Awaitable<number>;
  workDirOf(id: string): string;
  ensureWorkDir(id: string): string;
}
