import type Database from 'better-sqlite3';
import { APPEND_ONLY_MARKER } from '../errors.js';
import type { SignedHead } from './head-message.js';

/** Name of the signed-heads table of a chain table. */
export function headsTableOf(table: string): string {
  return `${table}_heads`;
}

/**
 * One row per sealed transaction: the head it committed and its signature.
 * Append-only like the chain (an attacker who drops the triggers can delete
 * rows, but cannot sign new ones: verify then finds an unsigned tail).
 */
export function headsSchemaSql(table: string): string {
  const heads = headsTableOf(table);
  const refuse = (verb: string): string =>
    `RAISE(ABORT, '${heads} ${APPEND_ONLY_MARKER}: ${verb} of signed heads is refused')`;
  return `
CREATE TABLE IF NOT EXISTS ${heads} (
  seq    INTEGER PRIMARY KEY,
  hash   TEXT NOT NULL,
  ts     TEXT NOT NULL,
  key_id TEXT NOT NULL,
  sig    TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS ${heads}_no_update BEFORE UPDATE ON ${heads}
BEGIN SELECT ${refuse('UPDATE')}; END;
CREATE TRIGGER IF NOT EXISTS ${heads}_no_delete BEFORE DELETE ON ${heads}
BEGIN SELECT ${refuse('DELETE')}; END;
`;
}

export function headsTableExists(db: Database.Database, table: string): boolean {
  return (
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(headsTableOf(table)) !==
    undefined
  );
}

interface HeadRow {
  seq: number;
  hash: string;
  ts: string;
  key_id: string;
  sig: string;
}

export function toSignedHead(r: HeadRow): SignedHead {
  return { seq: r.seq, hash: r.hash, ts: r.ts, keyId: r.key_id, sig: r.sig };
}

/** Prepared statements on the heads table (writer side). */
export class HeadsStore {
  private readonly lastStmt: Database.Statement;
  private readonly insertStmt: Database.Statement;

  constructor(db: Database.Database, table: string) {
    const heads = headsTableOf(table);
    this.lastStmt = db.prepare(`SELECT seq, hash, ts, key_id, sig FROM ${heads} ORDER BY seq DESC LIMIT 1`);
    this.insertStmt = db.prepare(`INSERT INTO ${heads} (seq, hash, ts, key_id, sig) VALUES (?, ?, ?, ?, ?)`);
  }

  last(): SignedHead | null {
    const r = this.lastStmt.get() as HeadRow | undefined;
    return r === undefined ? null : toSignedHead(r);
  }

  insert(h: SignedHead): void {
    this.insertStmt.run(h.seq, h.hash, h.ts, h.keyId, h.sig);
  }
}

/** Every signed head in seq order (verify, export). */
export function allSignedHeads(db: Database.Database, table: string, afterSeq = 0): SignedHead[] {
  return (
    db
      .prepare(`SELECT seq, hash, ts, key_id, sig FROM ${headsTableOf(table)} WHERE seq > ? ORDER BY seq`)
      .all(afterSeq) as HeadRow[]
  ).map(toSignedHead);
}
