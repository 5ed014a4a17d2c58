import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors.js';
import type { ProviderId } from '../providers/contract.js';
import { withTransaction, type PgClient, type PgPool } from '../store/pg/pool.js';
import { SESSIONS_TABLE } from '../store/pg/sessions-schema.js';
import type { Sessions } from './api.js';
import { sessionSchema, type Session } from './schema.js';
import { ensureSessionWorkDir, removeSessionWorkDir, sessionWorkDir } from './workdir.js';

interface SessionRow {
  id: string;
  owner: string;
  cli: string;
  description: string;
  created_at: string;
  last_used_at: string;
  active: boolean;
  provider_session_id: string | null;
  workspace: string | null;
}

/** Through the same strict schema as sessions.json: a row carrying content cannot come back. */
function toSession(r: SessionRow): Session {
  return sessionSchema.parse({
    id: r.id,
    cli: r.cli,
    description: r.description,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    active: r.active,
    owner: r.owner,
    ...(r.provider_session_id === null ? {} : { providerSessionId: r.provider_session_id }),
    ...(r.workspace === null ? {} : { workspace: r.workspace }),
  });
}

const notFound = (id: string) => new GatewayError('SESSION_NOT_FOUND', `session ${id} not found`);

const UNIQUE_VIOLATION = '23505';

/**
 * Runs a change that deactivates the owner's sessions of one CLI and activates
 * one. Two instances doing it at once both pass the UPDATE; the partial unique
 * index (one active per owner and CLI) then refuses the later commit, which is
 * retried and sees the winner. No advisory lock: the query role can take those.
 */
async function activating<T>(pool: PgPool, fn: (client: PgClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, fn);
    } catch (err) {
      if ((err as { code?: string }).code !== UNIQUE_VIOLATION || attempt >= 8) throw err;
    }
  }
}

/**
 * Gateway sessions in PostgreSQL, shared by every instance: the same
 * content-free records and owner scoping as sessions.json (another owner's
 * session is "not found"). Work directories stay on this machine's disk.
 */
export class PgSessionStore implements Sessions {
  private readonly ready: Promise<void>;

  constructor(
    private readonly pool: PgPool,
    readonly home: string,
    ready?: Promise<void>,
  ) {
    this.ready = ready ?? Promise.resolve();
  }

  private async rows(sql: string, values: unknown[]): Promise<SessionRow[]> {
    await this.ready;
    return (await this.pool.query<SessionRow>(sql, values)).rows;
  }

  async list(owner: string, cli?: ProviderId): Promise<Session[]> {
    const rows = await this.rows(
      `SELECT * FROM ${SESSIONS_TABLE} WHERE owner = $1 AND ($2::text IS NULL OR cli = $2) ORDER BY created_at, id`,
      [owner, cli ?? null],
    );
    return rows.map(toSession);
  }

  async get(owner: string, id: string): Promise<Session> {
    const [row] = await this.rows(`SELECT * FROM ${SESSIONS_TABLE} WHERE id = $1 AND owner = $2`, [
      id,
      owner,
    ]);
    if (row === undefined) throw notFound(id);
    return toSession(row);
  }

  async active(owner: string, cli: ProviderId): Promise<Session | undefined> {
    const [row] = await this.rows(
      `SELECT * FROM ${SESSIONS_TABLE} WHERE owner = $1 AND cli = $2 AND active`,
      [owner, cli],
    );
    return row === undefined ? undefined : toSession(row);
  }

  async create(
    owner: string,
    cli: ProviderId,
    description: string,
    makeActive = true,
    workspace?: string,
  ): Promise<Session> {
    await this.ready;
    const now = new Date().toISOString();
    const session = sessionSchema.parse({
      id: randomUUID(),
      cli,
      description,
      createdAt: now,
      lastUsedAt: now,
      active: makeActive,
      owner,
      ...(workspace === undefined ? {} : { workspace }),
    });
    await activating(this.pool, async (client) => {
      if (makeActive)
        await client.query(
          `UPDATE ${SESSIONS_TABLE} SET active = false WHERE owner = $1 AND cli = $2 AND active`,
          [owner, cli],
        );
      await client.query(
        `INSERT INTO ${SESSIONS_TABLE} (id, owner, cli, description, created_at, last_used_at, active, workspace)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [session.id, owner, cli, description, now, now, makeActive, workspace ?? null],
      );
    });
    return session;
  }

  async setActive(owner: string, id: string): Promise<Session> {
    const target = await this.get(owner, id);
    const row = await activating(this.pool, async (client) => {
      await client.query(
        `UPDATE ${SESSIONS_TABLE} SET active = false WHERE owner = $1 AND cli = $2 AND active`,
        [owner, target.cli],
      );
      const { rows } = await client.query<SessionRow>(
        `UPDATE ${SESSIONS_TABLE} SET active = true WHERE id = $1 AND owner = $2 RETURNING *`,
        [id, owner],
      );
      return rows[0];
    });
    if (row === undefined) throw notFound(id);
    return toSession(row);
  }

  /** Records use (and the provider's own session id once known). Never touches content. */
  async touch(owner: string, id: string, providerSessionId: string | undefined): Promise<Session> {
    const [row] = await this.rows(
      `UPDATE ${SESSIONS_TABLE} SET last_used_at = $3, provider_session_id = COALESCE($4, provider_session_id)
       WHERE id = $1 AND owner = $2 RETURNING *`,
      [id, owner, new Date().toISOString(), providerSessionId ?? null],
    );
    if (row === undefined) throw notFound(id);
    return toSession(row);
  }

  async delete(owner: string, id: string): Promise<void> {
    const rows = await this.rows(`DELETE FROM ${SESSIONS_TABLE} WHERE id = $1 AND owner = $2 RETURNING id`, [
      id,
      owner,
    ]);
    if (rows.length === 0) throw notFound(id);
    removeSessionWorkDir(this.home, id);
  }

  /** Removes the owner's sessions (of one CLI, or all); returns how many. */
  async clear(owner: string, cli?: ProviderId): Promise<number> {
    const rows = await this.rows(
      `DELETE FROM ${SESSIONS_TABLE} WHERE owner = $1 AND ($2::text IS NULL OR cli = $2) RETURNING id`,
      [owner, cli ?? null],
    );
    for (const r of rows) removeSessionWorkDir(this.home, r.id);
    return rows.length;
  }

  workDirOf(id: string): string {
    return sessionWorkDir(this.home, id);
  }

  ensureWorkDir(id: string): string {
    return ensureSessionWorkDir(this.home, id);
  }
}
