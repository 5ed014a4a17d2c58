import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AuditChainError } from '../errors.js';

export interface OpenSqliteOptions {
  /** Open an existing file read-only; SQLite itself then refuses every write. */
  readonly?: boolean;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const SIDE_FILES = ['', '-wal', '-shm', '-journal'] as const;

/**
 * The one way packages open a SQLite file.
 *
 * Read-write: creates the parent directory (0700) when missing, creates the
 * database file with mode 0600 before SQLite touches it (so it never exists
 * with a wider mode), tightens existing db/-wal/-shm files to 0600, then sets
 * WAL journal, `synchronous=NORMAL`, `foreign_keys=ON`, `busy_timeout=5000`.
 *
 * Read-only: the file must exist; opened with SQLite's read-only flag plus
 * `query_only=ON`, so no statement on this connection can change the file.
 *
 * `:memory:` is passed through (no file, no WAL) for tests and scratch use.
 */
export function openSqlite(file: string, opts: OpenSqliteOptions = {}): Database.Database {
  if (typeof file !== 'string' || file === '' || file.includes('\0')) {
    throw new AuditChainError(
      'AUDIT_INVALID_PATH',
      'database path must be a non-empty string without NUL bytes',
    );
  }
  if (file === ':memory:') return configure(new Database(':memory:'), false);
  return opts.readonly === true ? openReadonly(file) : openReadWrite(file);
}

function openReadonly(file: string): Database.Database {
  if (!fs.existsSync(file)) {
    throw new AuditChainError(
      'AUDIT_INVALID_PATH',
      `database ${file} does not exist (read-only open never creates it)`,
    );
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function openReadWrite(file: string): Database.Database {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  createPrivateFile(file);
  tightenModes(file);
  const db = configure(new Database(file), true);
  tightenModes(file); // -wal / -shm now exist; SQLite copies the db mode, this makes sure.
  return db;
}

/** Create the file 0600 if absent, without following a planted symlink. */
function createPrivateFile(file: string): void {
  const { O_CREAT, O_RDWR, O_NOFOLLOW } = fs.constants;
  let fd: number;
  try {
    fd = fs.openSync(file, O_CREAT | O_RDWR | (O_NOFOLLOW ?? 0), FILE_MODE);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'it is a symbolic link' : String((err as Error).message);
    throw new AuditChainError('AUDIT_INVALID_PATH', `cannot open database ${file}: ${why}`, { cause: err });
  }
  fs.closeSync(fd);
}

function tightenModes(file: string): void {
  for (const suffix of SIDE_FILES) {
    const p = file + suffix;
    try {
      if ((fs.statSync(p).mode & 0o777) !== FILE_MODE) fs.chmodSync(p, FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

function configure(db: Database.Database, wal: boolean): Database.Database {
  if (wal) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}
