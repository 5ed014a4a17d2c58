import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir } from '../config/paths.js';
import { GatewayError } from '../errors.js';
import type { ProviderId } from '../providers/contract.js';
import { writeFileAtomic } from './atomic-file.js';
import type { Sessions } from './api.js';
import { sessionFileSchema, type Session, type SessionFile } from './schema.js';
import { ensureSessionWorkDir, sessionWorkDir } from './workdir.js';

export const SESSIONS_FILE = 'sessions.json';

/**
 * Content-free session store: `<home>/sessions.json` (0600, dir 0700), every
 * change written atomically. All operations are synchronous, so two tool calls
 * in one process can never interleave a read-modify-write. Every lookup is
 * scoped to the owner principal: another owner's session is "not found".
 */
export class SessionStore implements Sessions {
  readonly file: string;

  constructor(readonly home: string) {
    this.file = join(home, SESSIONS_FILE);
  }

  private load(): SessionFile {
    if (!existsSync(this.file)) return { version: 1, sessions: [] };
    if ((statSync(this.file).mode & 0o777) !== 0o600) chmodSync(this.file, 0o600);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      throw new GatewayError(
        'SESSION_STORE_CORRUPT',
        `${this.file} is not valid JSON; move it aside to start fresh`,
      );
    }
    const parsed = sessionFileSchema.safeParse(raw);
    if (!parsed.success) {
      throw new GatewayError(
        'SESSION_STORE_CORRUPT',
        `${this.file} has an unexpected shape; move it aside to start fresh`,
      );
    }
    return parsed.data;
  }

  private save(data: SessionFile): void {
    ensurePrivateDir(this.home);
    writeFileAtomic(this.file, JSON.stringify(sessionFileSchema.parse(data), null, 2) + '\n');
  }

  list(owner: string, cli?: ProviderId): Session[] {
    return this.load().sessions.filter((s) => s.owner === owner && (cli === undefined || s.cli === cli));
  }

  get(owner: string, id: string): Session {
    const found = this.load().sessions.find((s) => s.id === id && s.owner === owner);
    if (found === undefined) throw new GatewayError('SESSION_NOT_FOUND', `session ${id} not found`);
    return found;
  }

  active(owner: string, cli: ProviderId): Session | undefined {
    return this.load().sessions.find((s) => s.owner === owner && s.cli === cli && s.active);
  }

  create(
    owner: string,
    cli: ProviderId,
    description: string,
    makeActive = true,
    workspace?: string,
  ): Session {
    const data = this.load();
    const now = new Date().toISOString();
    const session: Session = {
      id: randomUUID(),
      cli,
      description,
      createdAt: now,
      lastUsedAt: now,
      active: makeActive,
      owner,
      ...(workspace === undefined ? {} : { workspace }),
    };
    if (makeActive) deactivate(data, owner, cli);
    data.sessions.push(session);
    this.save(data);
    return session;
  }

  setActive(owner: string, id: string): Session {
    const data = this.load();
    const target = data.sessions.find((s) => s.id === id && s.owner === owner);
    if (target === undefined) throw new GatewayError('SESSION_NOT_FOUND', `session ${id} not found`);
    deactivate(data, owner, target.cli);
    target.active = true;
    this.save(data);
    return target;
  }

  /** Records use (and the provider's own session id once known). Never touches content. */
  touch(owner: string, id: string, providerSessionId: string | undefined): Session {
    const data = this.load();
    const target = data.sessions.find((s) => s.id === id && s.owner === owner);
    if (target === undefined) throw new GatewayError('SESSION_NOT_FOUND', `session ${id} not found`);
    target.lastUsedAt = new Date().toISOString();
    if (providerSessionId !== undefined) target.providerSessionId = providerSessionId;
    this.save(data);
    return target;
  }

  delete(owner: string, id: string): void {
    const data = this.load();
    const before = data.sessions.length;
    data.sessions = data.sessions.filter((s) => !(s.id === id && s.owner === owner));
    if (data.sessions.length === before)
      throw new GatewayError('SESSION_NOT_FOUND', `session ${id} not found`);
    this.save(data);
    rmSync(this.workDirOf(id), { recursive: true, force: true });
  }

  /** Removes the owner's sessions (of one CLI, or all); returns how many. */
  clear(owner: string, cli?: ProviderId): number {
    const data = this.load();
    const removed = data.sessions.filter((s) => s.owner === owner && (cli === undefined || s.cli === cli));
    data.sessions = data.sessions.filter((s) => !removed.includes(s));
    this.save(data);
    for (const s of removed) rmSync(this.workDirOf(s.id), { recursive: true, force: true });
    return removed.length;
  }

  /**
   * A stable private working directory for a session that has no explicit
   * workingDir: CLIs key their own session storage by cwd, so resuming needs
   * the same directory every time.
   */
  workDirOf(id: string): string {
    return sessionWorkDir(this.home, id);
  }

  ensureWorkDir(id: string): string {
    return ensureSessionWorkDir(this.home, id);
  }
}

function deactivate(data: SessionFile, owner: string, cli: ProviderId): void {
  for (const s of data.sessions) if (s.owner === owner && s.cli === cli) s.active = false;
}
