import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RunRecord, TranscriptItem } from '../agent/types.js';
import { redactText, redactValue } from './redact.js';
import type { AgentStore } from './types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  status TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at);
CREATE TABLE IF NOT EXISTS transcript (
  run_id TEXT NOT NULL REFERENCES runs (id),
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  kind TEXT NOT NULL,
  idempotency_key TEXT,
  item TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX IF NOT EXISTS transcript_key ON transcript (idempotency_key) WHERE idempotency_key IS NOT NULL;
`;

export interface OpenAgentStoreOptions {
  /** Exact secret values to redact besides the built-in patterns (service token, bearer tokens, API key). */
  secrets?: readonly string[] | undefined;
}

/** Creates the file 0600 (its directory 0700 when we create it) before SQLite opens it. */
function createPrivateFile(file: string): void {
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  fs.closeSync(fd);
  fs.chmodSync(file, 0o600);
}

/**
 * agent.db: runs and transcripts. Every string is redacted before it is
 * written; the WAL and SHM side files are chmod 0600 as well.
 */
export function openAgentStore(file: string, opts: OpenAgentStoreOptions = {}): AgentStore {
  const secrets = [...(opts.secrets ?? [])];
  if (file !== ':memory:') createPrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  if (file !== ':memory:') {
    for (const side of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(side)) fs.chmodSync(side, 0o600);
  }
  const redactRun = (run: RunRecord): RunRecord => redactValue(run, secrets) as RunRecord;
  const insertRun = db.prepare('INSERT INTO runs (id, started_at, status, record) VALUES (?, ?, ?, ?)');
  const updateRun = db.prepare('UPDATE runs SET status = ?, record = ? WHERE id = ?');
  const selectRun = db.prepare<[string], { record: string }>('SELECT record FROM runs WHERE id = ?');
  const selectRuns = db.prepare<[number], { record: string }>(
    'SELECT record FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?',
  );
  const nextSeq = db.prepare<[string], { n: number }>(
    'SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM transcript WHERE run_id = ?',
  );
  const insertItem = db.prepare(
    'INSERT INTO transcript (run_id, seq, ts, kind, idempotency_key, item) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const selectItems = db.prepare<[string], { seq: number; item: string }>(
    'SELECT seq, item FROM transcript WHERE run_id = ? ORDER BY seq',
  );
  const append = db.transaction((runId: string, item: Omit<TranscriptItem, 'seq'>): number => {
    const seq = nextSeq.get(runId)!.n;
    const clean = redactValue(item, secrets) as Omit<TranscriptItem, 'seq'>;
    insertItem.run(runId, seq, clean.ts, clean.kind, clean.idempotencyKey ?? null, JSON.stringify(clean));
    return seq;
  });
  return {
    path: file,
    createRun(run) {
      const r = redactRun(run);
      insertRun.run(r.id, r.startedAt, r.status, JSON.stringify(r));
    },
    updateRun(run) {
      const r = redactRun(run);
      updateRun.run(r.status, JSON.stringify(r), r.id);
    },
    getRun(id) {
      const row = selectRun.get(id);
      return row ? (JSON.parse(row.record) as RunRecord) : null;
    },
    listRuns(o = {}) {
      const limit = Math.min(Math.max(o.limit ?? 100, 1), 1000);
      return selectRuns.all(limit).map((r) => JSON.parse(r.record) as RunRecord);
    },
    appendTranscript: (runId, item) => append(runId, item),
    getTranscript(runId) {
      return selectItems.all(runId).map((r) => ({ ...(JSON.parse(r.item) as TranscriptItem), seq: r.seq }));
    },
    close() {
      db.close();
    },
  };
}

export { redactText };
