import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive, processStartTime } from './process-identity.js';

export const PID_FILE = 'owner.pid';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A 0700 directory in the temp folder that is removed with its process. */
export interface PrivateDir {
  readonly path: string;
  /** Removes the directory now (idempotent). */
  remove(): void;
}

const open = new Map<string, PrivateDir>();
let hooked = false;

function removeAll(): void {
  for (const d of [...open.values()]) d.remove();
}

/**
 * Process-wide hooks, installed once: on normal exit every open directory is
 * removed; on SIGINT/SIGTERM/SIGHUP too, and when no one else handles the
 * signal it is re-raised so the process still dies of it. A SIGKILL cannot be
 * caught: the next start removes what it left (`removeStaleDirs`).
 */
function hookProcess(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removeAll);
  for (const signal of SIGNALS) {
    const onSignal = () => {
      const others = process.listeners(signal).filter((l) => l !== onSignal);
      if (others.length > 0) return; // the application shuts down itself and closes its sandboxes
      removeAll();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function ownedByMe(path: string, kind: 'dir' | 'file'): boolean {
  try {
    const st = lstatSync(path);
    const rightKind = kind === 'dir' ? st.isDirectory() : st.isFile();
    return rightKind && !st.isSymbolicLink() && (process.getuid === undefined || st.uid === process.getuid());
  } catch {
    return false;
  }
}

interface PidRecord {
  pid: number;
  start?: string;
}

function readPid(dir: string, fromName: number): PidRecord {
  const file = join(dir, PID_FILE);
  if (!ownedByMe(file, 'file')) return { pid: fromName };
  try {
    const rec = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
    return rec.pid === fromName ? rec : { pid: fromName };
  } catch {
    return { pid: fromName };
  }
}

/**
 * Removes directories `<tmp>/<prefix>-<pid>-*` left by processes that are
 * gone. A directory is removed only when it is a real directory (not a
 * symlink) owned by this user, and the process named in its name (confirmed
 * by its pid file's start time) no longer runs. Returns the removed paths.
 */
export function removeStaleDirs(prefix: string, base = tmpdir()): string[] {
  const removed: string[] = [];
  const re = new RegExp(`^${prefix.replace(/[^A-Za-z0-9_-]/g, '')}-(\\d{1,10})-[A-Za-z0-9]{6}$`);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = re.exec(name);
    if (m === null) continue;
    const dir = join(base, name);
    if (!ownedByMe(dir, 'dir')) continue;
    const rec = readPid(dir, Number(m[1]));
    if (rec.pid === process.pid && open.has(dir)) continue;
    if (processAlive(rec.pid, rec.start)) continue;
    rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/**
 * Creates `<tmp>/<prefix>-<pid>-XXXXXX` (0700) holding a 0600 pid file with
 * this process's pid and start time, after removing this prefix's stale
 * directories. It is removed by `remove()`, on process exit, and on a fatal
 * signal; after a SIGKILL, by the next `openPrivateDir` with the same prefix.
 */
export function openPrivateDir(prefix: string, base = tmpdir()): PrivateDir {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(prefix))
    throw new Error(`invalid private dir prefix ${JSON.stringify(prefix)}`);
  removeStaleDirs(prefix, base);
  const path = mkdtempSync(join(base, `${prefix}-${process.pid}-`));
  chmodSync(path, 0o700);
  const record: PidRecord = { pid: process.pid, start: processStartTime(process.pid) };
  writeFileSync(join(path, PID_FILE), JSON.stringify(record), { mode: 0o600, flag: 'wx' });
  let removed = false;
  const dir: PrivateDir = {
    path,
    remove() {
      if (removed) return;
      removed = true;
      open.delete(path);
      rmSync(path, { recursive: true, force: true });
    },
  };
  open.set(path, dir);
  hookProcess();
  return dir;
}
