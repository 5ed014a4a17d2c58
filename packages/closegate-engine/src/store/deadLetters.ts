import type Database from 'better-sqlite3';

/** SQL for dead letters: work that could not be completed and needs a person. */
export class DeadLetterStore {
  private readonly insert;
  private readonly countStmt;

  constructor(db: Database.Database) {
    this.insert = db.prepare(
      'INSERT INTO dead_letters (kind, payload_json, error, created_at) VALUES (?, ?, ?, ?)',
    );
    this.countStmt = db.prepare('SELECT COUNT(*) AS n FROM dead_letters');
  }

  add(kind: string, payload: unknown, error: string, now: string): number {
    return Number(this.insert.run(kind, JSON.stringify(payload), error, now).lastInsertRowid);
  }

  count(): number {
    return (this.countStmt.get() as { n: number }).n;
  }
}
