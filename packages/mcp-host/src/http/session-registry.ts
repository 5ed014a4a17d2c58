import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Principal } from '../principal.js';

/** One MCP session: its own server and transport, bound to the principal that opened it. */
export type Session = {
  id: string;
  principal: Readonly<Principal>;
  server: McpServer;
  transport: StreamableHTTPServerTransport;
  lastActivity: number;
  /** Requests still being answered (POST/DELETE); open GET streams do not keep a session alive. */
  inflight: number;
};

/** A reserved place under the session cap, turned into a session or given back. */
export type Slot = { commit(session: Session): void; release(): void };

/** Why a reservation was refused: the principal's own cap, or the global backstop. */
export type Refusal = 'principal' | 'global';

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private pending = 0;
  /** Live + opening sessions per principal id. */
  private readonly held = new Map<string, number>();

  constructor(
    private readonly maxSessions: number,
    private readonly now: () => number = Date.now,
    private readonly maxPerPrincipal: number = maxSessions,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Live + opening sessions of one principal. */
  heldBy(principalId: string): number {
    return this.held.get(principalId) ?? 0;
  }

  /**
   * Reserves room for a new session of `principalId`. The principal's own cap is
   * checked first, so one principal can never take the whole global cap.
   */
  reserve(principalId = ''): Slot | Refusal {
    if (this.heldBy(principalId) >= this.maxPerPrincipal) return 'principal';
    if (this.sessions.size + this.pending >= this.maxSessions) return 'global';
    this.pending++;
    this.adjust(principalId, 1);
    let open = true;
    const finish = () => {
      if (!open) return false;
      open = false;
      this.pending--;
      return true;
    };
    return {
      commit: (session) => {
        if (finish()) this.sessions.set(session.id, session);
      },
      release: () => {
        if (finish()) this.adjust(principalId, -1);
      },
    };
  }

  private adjust(principalId: string, delta: number): void {
    const next = this.heldBy(principalId) + delta;
    if (next <= 0) this.held.delete(principalId);
    else this.held.set(principalId, next);
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  remove(id: string): void {
    const session = this.sessions.get(id);
    if (session && this.sessions.delete(id)) this.adjust(session.principal.id, -1);
  }

  touch(session: Session): void {
    session.lastActivity = this.now();
  }

  /** Sessions with nothing in flight and no request for longer than `idleMs`. */
  idle(idleMs: number): Session[] {
    const cutoff = this.now() - idleMs;
    return [...this.sessions.values()].filter((s) => s.inflight === 0 && s.lastActivity <= cutoff);
  }

  all(): Session[] {
    return [...this.sessions.values()];
  }
}

/** Closes a session's server (and with it the transport) and forgets it. */
export async function closeSession(registry: SessionRegistry, session: Session): Promise<void> {
  registry.remove(session.id);
  await session.server.close();
}
