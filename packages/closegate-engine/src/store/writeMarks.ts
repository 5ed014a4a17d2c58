import type Database from 'better-sqlite3';

/** Where the database stood at one moment, as far as writes go. */
export interface WriteMark {
  readonly dataVersion: number;
  readonly changes: number;
}

/**
 * A cheap way to tell that nothing wrote to the database since a moment.
 *
 * SQLite's `data_version` changes when any other connection commits, and
 * `total_changes()` counts every row this connection changed (it never goes
 * back, so a rolled-back write still moves it). Two equal marks mean no write
 * from anywhere between them; a caching reader needs nothing more.
 */
export class WriteMarks {
  private readonly versionStmt: Database.Statement;
  private readonly changesStmt: Database.Statement;

  constructor(db: Database.Database) {
    this.versionStmt = db.prepare('PRAGMA data_version').pluck();
    this.changesStmt = db.prepare('SELECT total_changes()').pluck();
  }

  take(): WriteMark {
    return { dataVersion: this.versionStmt.get() as number, changes: this.changesStmt.get() as number };
  }

  /** True when nothing wrote since `mark` was taken. */
  unchangedSince(mark: WriteMark): boolean {
    return this.versionStmt.get() === mark.dataVersion && this.changesStmt.get() === mark.changes;
  }
}
