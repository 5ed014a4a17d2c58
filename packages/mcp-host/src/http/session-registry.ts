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

export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private pending = 0;

  constructor(
    private readonly maxSessions: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.sessions.size;
  }

  /** Reserves room for a new session, or undefined when live + opening sessions hit the cap. */
  reserve(): Slot | undefined {
    if (this.sessions.size + this.pending >= this.maxSessions) return undefined;
    this.pending++;
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
      release: () => void finish(),
    };
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  remove(id: string): void {
    this.sessions.delete(id);
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
