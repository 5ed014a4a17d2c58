import type Database from 'better-sqlite3';
import { AuditChain, openSqlite } from 'audit-chain';
import type { AuditSigning } from './auditSigning.js';
import { ChangeStamp } from './change-stamp.js';
import { BookConfigStore } from './config.js';
import { DeadLetterStore } from './deadLetters.js';
import { EntityStore } from './entities.js';
import { EntryStore } from './entries.js';
import { EscalationStore } from './escalations.js';
import { ExceptionStore } from './exceptions.js';
import { IdempotencyStore } from './idempotency.js';
import { ImportFileStore } from './importFiles.js';
import { MatchStore } from './matches.js';
import { AUDIT_TABLE } from './auditIndexes.js';
import { migrate } from './migrations.js';
import { PeriodStore } from './periods.js';
import { RunStore } from './runs.js';
import { WriteMarks } from './writeMarks.js';

export { AUDIT_TABLE } from './auditIndexes.js';

/**
 * The recon store: one SQLite connection (WAL, 0600 via audit-chain's
 * openSqlite), every table group's statements, and the audit chain on the
 * same connection so a mutation and its audit row share one transaction.
 */
export class ReconStore {
  readonly db: Database.Database;
  readonly audit: AuditChain;
  readonly entities: EntityStore;
  readonly entries: EntryStore;
  readonly matches: MatchStore;
  readonly escalations: EscalationStore;
  readonly exceptions: ExceptionStore;
  readonly periods: PeriodStore;
  readonly runs: RunStore;
  readonly idempotency: IdempotencyStore;
  readonly deadLetters: DeadLetterStore;
  readonly config: BookConfigStore;
  readonly importFiles: ImportFileStore;
  readonly marks: WriteMarks;
  readonly changes: ChangeStamp;
  /** The change stamp when {@link tx} opened the transaction now running (outermost only). */
  #txOpenedAt: string | undefined;

  private constructor(db: Database.Database, signing: AuditSigning | undefined) {
    this.db = db;
    this.audit = new AuditChain(db, {
      table: AUDIT_TABLE,
      ...(signing !== undefined ? { signer: signing.signer, headLog: signing.headLog } : {}),
    });
    this.entities = new EntityStore(db);
    this.entries = new EntryStore(db);
    this.matches = new MatchStore(db);
    this.escalations = new EscalationStore(db);
    this.exceptions = new ExceptionStore(db);
    this.periods = new PeriodStore(db);
    this.runs = new RunStore(db);
    this.idempotency = new IdempotencyStore(db);
    this.deadLetters = new DeadLetterStore(db);
    this.config = new BookConfigStore(db);
    this.importFiles = new ImportFileStore(db);
    this.marks = new WriteMarks(db);
    this.changes = new ChangeStamp(db, this.audit);
  }

  /**
   * Opens (creating if needed) and migrates a recon database. With `signing`,
   * every transaction run through {@link tx} signs the audit head it leaves.
   */
  static open(path: string, signing?: AuditSigning): ReconStore {
    const db = openSqlite(path);
    try {
      // 64 MiB page cache: large books keep their indexes (audit event ids, entry states) in memory
      db.pragma('cache_size = -65536');
      migrate(db);
      // Statement journals in memory. Every audit append is a statement that needs one (a 16-row INSERT
      // under the table's BEFORE INSERT trigger, inside the caller's transaction): SQLite copies each page
      // the statement is about to change into it, and once one statement passes 64 KiB it moves the
      // journal to a temp file for the rest of the transaction, so from then on each copy is a write(2):
      // 13 % of the CPU of appending 300k audit rows. Set after the migrations, whose statements may
      // touch every page of a large table.
      db.pragma('temp_store = MEMORY');
      const store = new ReconStore(db, signing);
      // history written before signing was enabled (or by an unsigned writer) is covered from here on
      if (signing !== undefined) store.audit.seal();
      return store;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (write lock taken up front: no
   * upgrade deadlock); with signing, the audit head it leaves is signed
   * before the commit (one signature per transaction).
   */
  tx<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.audit.transaction(fn);
    this.#txOpenedAt = this.changes.now();
    try {
      return this.audit.transaction(fn);
    } finally {
      this.#txOpenedAt = undefined;
    }
  }

  /**
   * The change stamp now, if what a read sees now will stay true whatever happens to the
   * open transaction: outside a transaction (committed data), or inside one that {@link tx}
   * opened and that has written nothing but audit rows so far (a rollback can then take
   * back only audit rows). Undefined otherwise: a result read now must not be cached.
   */
  stableStamp(): string | undefined {
    const stamp = this.changes.now();
    if (!this.db.inTransaction) return stamp;
    return stamp === this.#txOpenedAt ? stamp : undefined;
  }

  /** True when no entity has been created yet (fresh file). */
  isEmpty(): boolean {
    return this.entities.entities().length === 0;
  }

  close(): void {
    this.audit.close();
    if (this.db.open) this.db.close();
  }
}

/** Opens a recon database read-only (no migration; SQLite refuses every write). */
export function openReadonlyDb(path: string): Database.Database {
  return openSqlite(path, { readonly: true });
}
