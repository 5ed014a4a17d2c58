import type Database from 'better-sqlite3';
import { EngineError } from '../errors.js';
import { AUDIT_TABLE } from '../store/auditIndexes.js';
import { LATEST_SCHEMA_VERSION } from '../store/migrations.js';

/** The schema version this build migrates to. */
export const EXPECTED_SCHEMA_VERSION = LATEST_SCHEMA_VERSION;

/**
 * What a verifier can say about a file's schema without changing it:
 * `current` (this build's), `older` (a prefix of this build's migrations: the
 * engine would migrate it on its next read-write open; verify reads it as it
 * is), `newer` (written by a later build: this build cannot vouch for it) or
 * `not_a_book` (not SQLite, or no closegate migrations and audit table).
 */
export type SchemaStatus = 'current' | 'older' | 'newer' | 'not_a_book';

export interface SchemaCheck {
  /** Highest recorded migration (0 when there is none). */
  version: number;
  expected: number;
  /** True for current and older: the chain can be verified as the file stands. */
  ok: boolean;
  status: SchemaStatus;
  /** Why a file is not a book. */
  reason?: string;
}

function check(version: number, status: SchemaStatus, reason?: string): SchemaCheck {
  const ok = status === 'current' || status === 'older';
  return { version, expected: EXPECTED_SCHEMA_VERSION, ok, status, ...(reason ? { reason } : {}) };
}

/** Classifies the schema of an open (typically read-only) connection; reads only. */
export function checkSchema(db: Database.Database): SchemaCheck {
  let tables: string[];
  try {
    tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('schema_migrations', ?)")
      .pluck()
      .all(AUDIT_TABLE) as string[];
  } catch (err) {
    if ((err as { code?: unknown }).code === 'SQLITE_NOTADB')
      return check(0, 'not_a_book', 'not a SQLite database');
    throw err;
  }
  if (!tables.includes('schema_migrations'))
    return check(0, 'not_a_book', 'it has no schema_migrations table');
  if (!tables.includes(AUDIT_TABLE)) return check(0, 'not_a_book', `it has no ${AUDIT_TABLE} table`);
  const versions = db
    .prepare('SELECT version FROM schema_migrations ORDER BY version')
    .pluck()
    .all() as number[];
  // the engine records its migrations as 1, 2, ... N; another application's table does not look like that
  const known = versions.filter((v) => v <= EXPECTED_SCHEMA_VERSION);
  const later = versions.length - known.length;
  const prefix = known.length > 0 && known.every((v, i) => v === i + 1);
  if (!prefix || (later > 0 && known.length !== EXPECTED_SCHEMA_VERSION)) {
    return check(
      0,
      'not_a_book',
      `its schema_migrations records versions ${runs(versions)}, not closegate's 1..N`,
    );
  }
  const version = versions[versions.length - 1]!;
  if (later > 0) return check(version, 'newer');
  return check(version, version === EXPECTED_SCHEMA_VERSION ? 'current' : 'older');
}

/** Sorted versions as runs, e.g. "1..8, 10" (the first few: enough to show a gap or foreign numbers). */
function runs(versions: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < versions.length && out.length < 6;) {
    let j = i;
    while (j + 1 < versions.length && versions[j + 1] === versions[j]! + 1) j++;
    out.push(j === i ? String(versions[i]) : `${versions[i]}..${versions[j]}`);
    i = j + 1;
  }
  return out.join(', ') + (out.length === 6 ? ', ...' : '');
}

/** Throws (NOT_A_BOOK / SCHEMA_NEWER) for a file whose chain this build cannot vouch for. */
export function refuseUnverifiable(schema: SchemaCheck, file: string): void {
  if (schema.status === 'not_a_book')
    throw new EngineError('NOT_A_BOOK', `${file} is not a closegate book (${schema.reason ?? 'unknown'})`, {
      file,
    });
  if (schema.status === 'newer')
    throw new EngineError(
      'SCHEMA_NEWER',
      `${file} has schema version ${schema.version}, newer than this build knows (${schema.expected}): ` +
        'verify it with the closegate-engine release that wrote it, or a later one',
      { file, version: schema.version, expected: schema.expected },
    );
}
