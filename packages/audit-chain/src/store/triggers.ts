import Database from 'better-sqlite3';
import { headsSchemaSql, headsTableExists } from '../signing/heads-store.js';
import { schemaSql } from './schema.js';

/** A trigger of the audit schema that is absent or no longer the one this package creates. */
export interface TriggerProblem {
  name: string;
  problem: 'missing' | 'altered';
}

/** Trigger name -> normalised SQL, as this package creates them (built in a scratch in-memory db). */
function expectedTriggers(table: string, withHeads: boolean): Map<string, string> {
  const scratch = new Database(':memory:');
  try {
    scratch.exec(schemaSql(table));
    if (withHeads) scratch.exec(headsSchemaSql(table));
    return triggersOf(scratch);
  } finally {
    scratch.close();
  }
}

function triggersOf(db: Database.Database): Map<string, string> {
  const rows = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`).all() as {
    name: string;
    sql: string | null;
  }[];
  return new Map(rows.map((r) => [r.name, normalise(r.sql ?? '')]));
}

/** Whitespace and `IF NOT EXISTS` do not change what a trigger does. */
function normalise(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/ IF NOT EXISTS /i, ' ')
    .trim();
}

/**
 * Compares the append-only triggers in the file with the ones the schema
 * defines: a dropped trigger, or one replaced by a look-alike that no longer
 * refuses (`WHEN 0`, another message), is reported by name.
 */
export function checkTriggers(db: Database.Database, table: string): TriggerProblem[] {
  const expected = expectedTriggers(table, headsTableExists(db, table));
  const actual = triggersOf(db);
  const problems: TriggerProblem[] = [];
  for (const [name, sql] of expected) {
    const found = actual.get(name);
    if (found === undefined) problems.push({ name, problem: 'missing' });
    else if (found !== sql) problems.push({ name, problem: 'altered' });
  }
  return problems;
}

/** Drops triggers that were altered so that the schema's `CREATE ... IF NOT EXISTS` puts the real ones back. */
export function dropAlteredTriggers(db: Database.Database, table: string): TriggerProblem[] {
  const problems = checkTriggers(db, table);
  for (const p of problems) if (p.problem === 'altered') db.exec(`DROP TRIGGER IF EXISTS "${p.name}"`);
  return problems;
}
