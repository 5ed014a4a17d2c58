import type Database from 'better-sqlite3';

/**
 * Rebuilds the escalations table with its DDL rewritten: SQLite cannot alter a
 * CHECK, so the table is re-created, copied, dropped, renamed and its indexes
 * re-created, inside the caller's migration transaction. `what` names the
 * clause the rewrite must change (an unchanged DDL is an error, never a no-op).
 */
export function rebuildEscalations(
  db: Database.Database,
  what: string,
  rewrite: (ddl: string) => string,
): void {
  const ddl = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'escalations'")
    .pluck()
    .get() as string | undefined;
  if (ddl === undefined) throw new Error('table escalations does not exist');
  const rewritten = rewrite(ddl);
  if (rewritten === ddl) throw new Error(`${what} not found: cannot extend it`);
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

/**
 * Adds `superseded` to the escalation states: an escalation whose subject a
 * human settled with a different action than the one requested (an llm asked
 * to reject a match, a human confirmed it directly) is neither approved nor
 * rejected.
 */
export function allowSupersededEscalations(db: Database.Database): void {
  rebuildEscalations(db, 'escalations state check', (ddl) =>
    ddl.replace(/state\s*=\s*'rejected'/, "state = 'rejected' OR state = 'superseded'"),
  );
}
