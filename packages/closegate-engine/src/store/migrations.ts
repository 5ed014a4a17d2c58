import type Database from 'better-sqlite3';
import { EngineError } from '../errors.js';
import { AUDIT_REF_INDEXES_SQL } from './auditIndexes.js';
import { allowSupersededEscalations, rebuildEscalations } from './escalationStates.js';
import { rebuildWithoutInChecks } from './rebuildChecks.js';

/**
 * Versioned schema migrations, applied in order, each in its own transaction.
 * Append new migrations at the end; never edit an applied one.
 * Amounts are TEXT decimal strings; never REAL.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Work SQL text cannot express, run after `sql` in the same transaction (foreign keys off). */
  readonly apply?: (db: Database.Database) => void;
}

/** Every recon table with a CHECK (... IN ...) list (the audit table has none and is never rebuilt). */
const TABLES_WITH_IN_CHECKS = [
  'accounts',
  'entries',
  'matches',
  'escalations',
  'approval_votes',
  'exceptions',
  'periods',
  'workflow_runs',
];

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'recon core schema',
    sql: `
CREATE TABLE entities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  currency TEXT NOT NULL,
  time_zone TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
  entity TEXT NOT NULL REFERENCES entities(code),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  sensitivity TEXT NOT NULL CHECK (sensitivity IN ('normal', 'sensitive')),
  PRIMARY KEY (entity, code)
) STRICT;

CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL CHECK (source IN ('gl', 'subledger', 'bank')),
  entity TEXT NOT NULL,
  account_code TEXT NOT NULL,
  posting_date TEXT NOT NULL,
  amount TEXT NOT NULL,
  currency TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  counterparty TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'unmatched'
    CHECK (state IN ('unmatched', 'proposed', 'matched', 'exception')),
  batch TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX entries_by_state ON entries(state, entity, account_code);

CREATE TABLE matches (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('exact', 'fuzzy', 'many_to_one')),
  state TEXT NOT NULL CHECK (state IN ('proposed', 'pending_approval', 'confirmed', 'rejected')),
  proposed_by TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('engine', 'llm', 'human')),
  score TEXT NOT NULL,
  amount_usd TEXT NOT NULL,
  fx_json TEXT NOT NULL,
  rationale TEXT NOT NULL DEFAULT '',
  intercompany INTEGER NOT NULL DEFAULT 0,
  run_id INTEGER,
  decided_by TEXT,
  decision_rationale TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX matches_by_state ON matches(state);

CREATE TABLE match_lines (
  match_id INTEGER NOT NULL REFERENCES matches(id),
  entry_id INTEGER NOT NULL REFERENCES entries(id),
  PRIMARY KEY (match_id, entry_id)
) STRICT;
CREATE INDEX match_lines_by_entry ON match_lines(entry_id);

CREATE TABLE escalations (
  id INTEGER PRIMARY KEY,
  action TEXT NOT NULL,
  subject_kind TEXT NOT NULL CHECK (subject_kind IN ('match', 'period')),
  subject_id TEXT NOT NULL,
  requested_by TEXT NOT NULL,
  code TEXT NOT NULL,
  clause_text TEXT NOT NULL,
  clause_pointer TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  tier TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'approved', 'rejected')),
  request_rationale TEXT NOT NULL DEFAULT '',
  resolved_by TEXT,
  resolution_rationale TEXT,
  created_at TEXT NOT NULL,
  resolved_at TEXT
) STRICT;
CREATE INDEX escalations_by_state ON escalations(state);

CREATE TABLE approval_votes (
  escalation_id INTEGER NOT NULL REFERENCES escalations(id),
  actor TEXT NOT NULL,
  vote TEXT NOT NULL CHECK (vote IN ('approve', 'reject')),
  rationale TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  PRIMARY KEY (escalation_id, actor)
) STRICT;

CREATE TABLE exceptions (
  id INTEGER PRIMARY KEY,
  entry_id INTEGER NOT NULL REFERENCES entries(id),
  reason_code TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  raised_by TEXT NOT NULL,
  run_id INTEGER,
  state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
  created_at TEXT NOT NULL
) STRICT;
CREATE INDEX exceptions_by_state ON exceptions(state);
CREATE UNIQUE INDEX exceptions_one_open_per_entry ON exceptions(entry_id) WHERE state = 'open';

CREATE TABLE periods (
  entity TEXT NOT NULL,
  period TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'closing', 'closed')),
  closed_by TEXT,
  closed_at TEXT,
  PRIMARY KEY (entity, period)
) STRICT;

CREATE TABLE workflow_runs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ORPHANED')),
  owner TEXT NOT NULL,
  actor TEXT NOT NULL,
  started_at TEXT NOT NULL,
  heartbeat_at TEXT NOT NULL,
  finished_at TEXT,
  stats_json TEXT NOT NULL DEFAULT '{}',
  error TEXT
) STRICT;
CREATE INDEX workflow_runs_by_state ON workflow_runs(state);

CREATE TABLE idempotency_keys (
  actor TEXT NOT NULL,
  key TEXT NOT NULL,
  operation TEXT NOT NULL,
  args_hash TEXT NOT NULL,
  result_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (actor, key)
) STRICT;

CREATE TABLE fx_rates (
  base TEXT NOT NULL,
  quote TEXT NOT NULL,
  rate TEXT NOT NULL,
  as_of TEXT NOT NULL,
  PRIMARY KEY (base, quote, as_of)
) STRICT;

CREATE TABLE intercompany_rules (
  name TEXT PRIMARY KEY,
  entity_a TEXT NOT NULL,
  account_a TEXT NOT NULL,
  entity_b TEXT NOT NULL,
  account_b TEXT NOT NULL
) STRICT;

CREATE TABLE dead_letters (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  payload_json TEXT NOT NULL,
  error TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
`,
  },
  {
    version: 2,
    name: 'proposer session on matches (session-level segregation of duties)',
    sql: 'ALTER TABLE matches ADD COLUMN proposer_session TEXT;',
  },
  {
    version: 3,
    name: 'indexes for large books (keyset paging by state, escalation by subject, lines by book and date)',
    sql: `
DROP INDEX entries_by_state;
CREATE INDEX entries_by_state_id ON entries(state, id);
CREATE INDEX entries_by_book_date ON entries(entity, account_code, posting_date);
CREATE INDEX escalations_by_subject ON escalations(subject_kind, subject_id, state);
`,
  },
  {
    version: 4,
    name: 'state and kind checks as OR lists (an IN list costs a temporary table per row written)',
    sql: '',
    apply: (db) => {
      for (const table of TABLES_WITH_IN_CHECKS) rebuildWithoutInChecks(db, table);
    },
  },
  {
    version: 5,
    name: 'books set-up: account types, FX rate sources, books config, imported files, import escalations',
    sql: `
ALTER TABLE accounts ADD COLUMN type TEXT NOT NULL DEFAULT '';
ALTER TABLE fx_rates ADD COLUMN source TEXT NOT NULL DEFAULT '';
CREATE TABLE books_config (
  key TEXT PRIMARY KEY,
  value_json TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE TABLE import_files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  batch TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state = 'imported' OR state = 'pending_approval' OR state = 'declined'),
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_skipped INTEGER NOT NULL DEFAULT 0,
  escalation_id INTEGER,
  staged_json TEXT,
  actor TEXT NOT NULL,
  created_at TEXT NOT NULL,
  decided_at TEXT
) STRICT;
CREATE INDEX import_files_by_sha ON import_files(sha256, state);
CREATE INDEX import_files_by_escalation ON import_files(escalation_id);
`,
    apply: (db) => allowEscalationSubjectKind(db, 'import'),
  },
  {
    version: 6,
    name: 'origin of approval votes (OS user and host of a CLI vote)',
    sql: `
ALTER TABLE approval_votes ADD COLUMN os_user TEXT;
ALTER TABLE approval_votes ADD COLUMN host TEXT;
`,
  },
  {
    version: 7,
    name: "escalation state 'superseded' (settled by a different human action than the one requested)",
    sql: '',
    apply: allowSupersededEscalations,
  },
  {
    version: 8,
    name: 'exceptions: who resolved them, why and when',
    sql: `
ALTER TABLE exceptions ADD COLUMN resolved_by TEXT;
ALTER TABLE exceptions ADD COLUMN resolution_reason TEXT;
ALTER TABLE exceptions ADD COLUMN resolved_at TEXT;
`,
  },
  {
    version: 9,
    name: 'audit events indexed by payload matchId and escalationId (match and escalation detail views)',
    sql: AUDIT_REF_INDEXES_SQL,
  },
];

/**
 * Adds a value to the escalations.subject_kind check (an import held for
 * T3 approval is neither a match nor a period). SQLite cannot alter a
 * check, so the table is rebuilt the documented way, as in migration 4.
 */
function allowEscalationSubjectKind(db: Database.Database, kind: string): void {
  rebuildEscalations(db, 'escalations.subject_kind check', (ddl) =>
    // after migration 4 the check is an OR list; a file that skipped its rebuild still has IN (...)
    ddl
      .replace(/subject_kind = 'period'\s*\)/, `subject_kind = 'period' OR subject_kind = '${kind}')`)
      .replace(/(subject_kind\s+IN\s*\([^)]*'period')\s*\)/i, `$1, '${kind}')`),
  );
}

/** Applies every migration newer than the recorded version. Returns the versions applied. */
export function migrate(db: Database.Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const current = schemaVersion(db);
  const known = LATEST_SCHEMA_VERSION;
  // a newer build's book: this build does not know its tables' rules, so it must not write to it
  if (current > known)
    throw new EngineError(
      'SCHEMA_NEWER',
      `this book has schema version ${current}, newer than this build knows (${known}): ` +
        'open it with the closegate-engine release that wrote it, or a later one',
      { version: current, expected: known },
    );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    withoutForeignKeys(db, m.apply !== undefined, () => {
      db.exec(m.sql);
      m.apply?.(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
    });
    applied.push(m.version);
  }
  return applied;
}

/**
 * One IMMEDIATE transaction; with `off`, foreign keys are suspended around it
 * (a table rebuild drops a parent table) and checked before commit.
 * The pragma is a no-op inside a transaction, hence outside.
 */
function withoutForeignKeys(db: Database.Database, off: boolean, work: () => void): void {
  const wasOn = db.pragma('foreign_keys', { simple: true }) === 1;
  if (off && wasOn) db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      work();
      if (off && (db.pragma('foreign_key_check') as unknown[]).length > 0)
        throw new Error('migration left rows whose foreign keys point nowhere');
    }).immediate();
  } finally {
    if (off && wasOn) db.pragma('foreign_keys = ON');
  }
}

/** The schema version this build migrates to. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** The highest applied schema version (0 for an empty file). */
export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
