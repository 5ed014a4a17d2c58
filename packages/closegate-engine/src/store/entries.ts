import type Database from 'better-sqlite3';
import type { Entry, EntryState, NewEntry } from '../domain.js';

interface EntryRow {
  id: number;
  source: Entry['source'];
  entity: string;
  account_code: string;
  posting_date: string;
  amount: string;
  currency: string;
  reference: string;
  description: string;
  counterparty: string;
  state: EntryState;
}

function toEntry(r: EntryRow): Entry {
  return {
    id: r.id,
    source: r.source,
    entity: r.entity,
    accountCode: r.account_code,
    postingDate: r.posting_date,
    amount: r.amount,
    currency: r.currency,
    reference: r.reference,
    description: r.description,
    counterparty: r.counterparty,
    state: r.state,
  };
}

/**
 * Shares one string per distinct value of the low-cardinality columns across
 * a bulk read: SQLite hands back a fresh string per row, and at a million
 * lines the copies of "US01", "USD" or a posting date cost hundreds of MB.
 */
class Interner {
  private readonly seen = new Map<string, string>();
  of(value: string): string {
    const known = this.seen.get(value);
    if (known !== undefined) return known;
    if (this.seen.size < 100_000) this.seen.set(value, value);
    return value;
  }
}

/** The same columns as an array (a raw statement): one object per row instead of two on bulk reads. */
function entryOfRow(r: unknown[], pool: Interner): Entry {
  return {
    id: r[0] as number,
    source: pool.of(r[1] as string) as Entry['source'],
    entity: pool.of(r[2] as string),
    accountCode: pool.of(r[3] as string),
    postingDate: pool.of(r[4] as string),
    amount: r[5] as string,
    currency: pool.of(r[6] as string),
    reference: r[7] as string,
    description: r[8] as string,
    counterparty: pool.of(r[9] as string),
    state: pool.of(r[10] as string) as EntryState,
  };
}

const COLUMNS =
  'id, source, entity, account_code, posting_date, amount, currency, reference, description, counterparty, state';

/** SQL for ledger, sub-ledger and bank entries. */
export class EntryStore {
  private readonly insert;
  private readonly byId;
  private readonly byState;
  private readonly setStateStmt;
  private readonly countByStateStmt;
  private readonly pageByState;
  private readonly nearStmt;
  private readonly totalsStmt;
  /** Shared across pages so a paged load of a large book keeps one copy of each repeated value. */
  private readonly pool = new Interner();

  constructor(db: Database.Database) {
    this.insert = db.prepare(`INSERT INTO entries
      (source, entity, account_code, posting_date, amount, currency, reference, description, counterparty, state, batch, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'unmatched', ?, ?)`);
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM entries WHERE id = ?`);
    this.byState = db.prepare(`SELECT ${COLUMNS} FROM entries WHERE state = ? ORDER BY id`);
    this.pageByState = db
      .prepare(`SELECT ${COLUMNS} FROM entries WHERE state = ? AND id > ? ORDER BY id LIMIT ?`)
      .raw();
    this.setStateStmt = db.prepare('UPDATE entries SET state = ? WHERE id = ?');
    this.countByStateStmt = db.prepare('SELECT state, COUNT(*) AS n FROM entries GROUP BY state');
    this.nearStmt = db.prepare(`SELECT ${COLUMNS} FROM entries
      WHERE entity = ? AND account_code = ? AND posting_date BETWEEN ? AND ? AND id <> ?
        AND state IN ('unmatched', 'exception') ORDER BY posting_date, id LIMIT ?`);
    this.totalsStmt = db.prepare('SELECT entity, state, currency, amount FROM entries');
  }

  add(e: NewEntry, batch: string, createdAt: string): number {
    // positional binding, no copy of the entry: imports insert millions of lines
    const { source, entity, accountCode, postingDate, amount, currency } = e;
    const r = this.insert.run(
      source,
      entity,
      accountCode,
      postingDate,
      amount,
      currency,
      e.reference,
      e.description,
      e.counterparty,
      batch,
      createdAt,
    );
    return Number(r.lastInsertRowid);
  }

  get(id: number): Entry | undefined {
    const r = this.byId.get(id) as EntryRow | undefined;
    return r ? toEntry(r) : undefined;
  }

  inState(state: EntryState): Entry[] {
    return (this.byState.all(state) as EntryRow[]).map(toEntry);
  }

  /** Keyset page of entries in a state, ordered by id. */
  page(state: EntryState, afterId: number, limit: number): Entry[] {
    const pool = this.pool;
    return (this.pageByState.all(state, afterId, limit) as unknown[][]).map((r) => entryOfRow(r, pool));
  }

  setState(id: number, state: EntryState): void {
    this.setStateStmt.run(state, id);
  }

  /** Open lines of the same entity and account dated within [from, to], excluding `id`. */
  openNear(
    entity: string,
    accountCode: string,
    from: string,
    to: string,
    excludeId: number,
    limit: number,
  ): Entry[] {
    return (this.nearStmt.all(entity, accountCode, from, to, excludeId, limit) as EntryRow[]).map(toEntry);
  }

  /** Every (entity, state, currency, amount), for decimal totals computed outside SQL (never SQL SUM on money). */
  *amounts(): IterableIterator<{ entity: string; state: EntryState; currency: string; amount: string }> {
    yield* this.totalsStmt.iterate() as IterableIterator<{
      entity: string;
      state: EntryState;
      currency: string;
      amount: string;
    }>;
  }

  countByState(): Record<EntryState, number> {
    const out: Record<EntryState, number> = { unmatched: 0, proposed: 0, matched: 0, exception: 0 };
    for (const r of this.countByStateStmt.all() as { state: EntryState; n: number }[]) out[r.state] = r.n;
    return out;
  }
}
