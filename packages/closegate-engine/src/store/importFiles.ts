import type Database from 'better-sqlite3';

export type ImportFileState = 'imported' | 'pending_approval' | 'declined';

export interface ImportFileRecord {
  id: number;
  sha256: string;
  name: string;
  batch: string;
  state: ImportFileState;
  rowsImported: number;
  rowsSkipped: number;
  escalationId: number | null;
  /** The validated entries of an import held for approval (JSON), null otherwise. */
  stagedJson: string | null;
  actor: string;
  createdAt: string;
  decidedAt: string | null;
}

interface Row {
  id: number;
  sha256: string;
  name: string;
  batch: string;
  state: ImportFileState;
  rows_imported: number;
  rows_skipped: number;
  escalation_id: number | null;
  staged_json: string | null;
  actor: string;
  created_at: string;
  decided_at: string | null;
}

const toRecord = (r: Row): ImportFileRecord => ({
  id: r.id,
  sha256: r.sha256,
  name: r.name,
  batch: r.batch,
  state: r.state,
  rowsImported: r.rows_imported,
  rowsSkipped: r.rows_skipped,
  escalationId: r.escalation_id,
  stagedJson: r.staged_json,
  actor: r.actor,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

/**
 * SQL for the files imported into the book (by SHA-256), so the same file is
 * not imported twice, and for imports held until humans approve them.
 */
export class ImportFileStore {
  private readonly insert;
  private readonly liveBySha;
  private readonly byEscalation;
  private readonly decide;
  private readonly attach;
  private readonly sameKey;

  constructor(db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO import_files
      (sha256, name, batch, state, rows_imported, rows_skipped, escalation_id, staged_json, actor, created_at)
      VALUES (@sha256, @name, @batch, @state, @rowsImported, @rowsSkipped, @escalationId, @stagedJson, @actor, @createdAt)`);
    this.liveBySha = db.prepare(
      "SELECT * FROM import_files WHERE sha256 = ? AND state <> 'declined' ORDER BY id LIMIT 1",
    );
    this.byEscalation = db.prepare('SELECT * FROM import_files WHERE escalation_id = ?');
    this.attach = db.prepare('UPDATE import_files SET escalation_id = ? WHERE id = ?');
    this.sameKey = db.prepare(`SELECT id, amount FROM entries
      WHERE entity = ? AND account_code = ? AND posting_date = ? AND source = ? AND currency = ? AND reference = ?
      ORDER BY id`);
    this.decide = db.prepare(`UPDATE import_files SET state = @state, rows_imported = @rowsImported,
      staged_json = NULL, decided_at = @now WHERE id = @id`);
  }

  add(r: Omit<ImportFileRecord, 'id' | 'decidedAt'>): number {
    return Number(this.insert.run(r).lastInsertRowid);
  }

  /** The first import of this content that was not declined (imported or awaiting approval). */
  findLive(sha256: string): ImportFileRecord | undefined {
    const r = this.liveBySha.get(sha256) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  forEscalation(escalationId: number): ImportFileRecord | undefined {
    const r = this.byEscalation.get(escalationId) as Row | undefined;
    return r ? toRecord(r) : undefined;
  }

  attachEscalation(id: number, escalationId: number): void {
    this.attach.run(escalationId, id);
  }

  /**
   * Entries sharing a line's natural key except the amount (the caller
   * compares amounts as decimals: 100.0 and 100.00 are the same amount).
   * Served by the entries_by_book_date index.
   */
  entriesWithKey(k: {
    entity: string;
    accountCode: string;
    postingDate: string;
    source: string;
    currency: string;
    reference: string;
  }): { id: number; amount: string }[] {
    return this.sameKey.all(k.entity, k.accountCode, k.postingDate, k.source, k.currency, k.reference) as {
      id: number;
      amount: string;
    }[];
  }

  /** Settles a held import: imported (with its row count) or declined; the staged rows are dropped. */
  settle(id: number, state: 'imported' | 'declined', rowsImported: number, now: string): void {
    this.decide.run({ id, state, rowsImported, now });
  }
}
