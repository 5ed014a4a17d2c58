import type Database from 'better-sqlite3';

/**
 * Adds `superseded` to the escalation states: an escalation whose subject a
 * human settled with a different action than the one requested (an llm asked
 * to reject a match, a human confirmed it directly) is neither approved nor
 * rejected. SQLite cannot alter a CHECK, so the table is rebuilt (create,
 * copy, drop, rename, re-create indexes) inside the migration's transaction.
 */
export function allowSupersededEscalations(db: Database.Database): void {
  const ddl = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'escalations'")
    .pluck()
    .get() as string | undefined;
  if (ddl === undefined) throw new Error('table escalations does not exist');
  const rewritten = ddl.replace(/state\s*=\s*'rejected'/, "state = 'rejected' OR state = 'superseded'");
  if (rewritten === ddl) throw new Error('escalations state check not found');
  const indexes = db
    .prepare(
      "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'escalations' AND sql IS NOT NULL",
    )
    .pluck()
    .all() as string[];
  db.exec(rewritten.replace(/^CREATE TABLE\s+("?)\w+\1/i, 'CREATE TABLE escalations__rebuild'));
  db.exec('INSERT INTO escalations__rebuild SELECT * FROM escalations');
  db.exec('DROP TABLE escalations');
  db.exec('ALTER TABLE escalations__rebuild RENAME TO escalations');
  for (const sql of indexes) db.exec(sql);
}
