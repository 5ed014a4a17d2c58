import type Database from 'better-sqlite3';
import type { AccountRecord, EntityRecord } from '../domain.js';

interface EntityRow {
  code: string;
  name: string;
  currency: string;
  time_zone: string;
}
interface AccountRow {
  entity: string;
  code: string;
  name: string;
  sensitivity: 'normal' | 'sensitive';
  type: string;
}

/** An account with its books.yaml type (asset, liability, ...; '' when set up before types existed). */
export interface TypedAccount extends AccountRecord {
  type: string;
}

/** SQL for entities and accounts (with sensitivity). */
export class EntityStore {
  private readonly insertEntity;
  private readonly updateEntity;
  private readonly insertAccount;
  private readonly upsertAccountStmt;
  private readonly deleteAccountStmt;
  private readonly deleteEntityStmt;
  private readonly entriesOfAccount;
  private readonly entriesOfEntity;
  private readonly allEntities;
  private readonly allAccounts;
  private cached: EntityRecord[] | undefined;

  constructor(db: Database.Database) {
    this.insertEntity = db.prepare(
      'INSERT INTO entities (code, name, currency, time_zone) VALUES (@code, @name, @currency, @timeZone)',
    );
    this.updateEntity = db.prepare(
      'UPDATE entities SET name = @name, currency = @currency, time_zone = @timeZone WHERE code = @code',
    );
    this.insertAccount = db.prepare(
      'INSERT INTO accounts (entity, code, name, sensitivity) VALUES (@entity, @code, @name, @sensitivity)',
    );
    this.upsertAccountStmt = db.prepare(`INSERT INTO accounts (entity, code, name, sensitivity, type)
      VALUES (@entity, @code, @name, @sensitivity, @type)
      ON CONFLICT (entity, code) DO UPDATE SET name = excluded.name, sensitivity = excluded.sensitivity, type = excluded.type`);
    this.deleteAccountStmt = db.prepare('DELETE FROM accounts WHERE entity = ? AND code = ?');
    this.deleteEntityStmt = db.prepare('DELETE FROM entities WHERE code = ?');
    this.entriesOfAccount = db
      .prepare('SELECT COUNT(*) FROM entries WHERE entity = ? AND account_code = ?')
      .pluck();
    this.entriesOfEntity = db.prepare('SELECT COUNT(*) FROM entries WHERE entity = ?').pluck();
    this.allEntities = db.prepare('SELECT * FROM entities ORDER BY code');
    this.allAccounts = db.prepare('SELECT * FROM accounts ORDER BY entity, code');
  }

  addEntity(e: EntityRecord): void {
    this.cached = undefined;
    this.insertEntity.run(e);
  }

  /** Changes an entity's name, currency or time zone (books apply checks it holds no entries first). */
  updateEntityRecord(e: EntityRecord): void {
    this.cached = undefined;
    this.updateEntity.run(e);
  }

  addAccount(a: AccountRecord): void {
    this.insertAccount.run(a);
  }

  /** Inserts or updates an account with its type. */
  upsertAccount(a: TypedAccount): void {
    this.upsertAccountStmt.run({
      entity: a.entity,
      code: a.code,
      name: a.name,
      sensitivity: a.sensitivity,
      type: a.type,
    });
  }

  removeAccount(entity: string, code: string): void {
    this.deleteAccountStmt.run(entity, code);
  }

  /** Removes an entity without accounts or entries (books apply checks both first). */
  removeEntity(code: string): void {
    this.cached = undefined;
    this.deleteEntityStmt.run(code);
  }

  /** Number of entries booked to an account (any state). */
  entryCount(entity: string, code: string): number {
    return this.entriesOfAccount.get(entity, code) as number;
  }

  /** Number of entries booked to an entity (any state). */
  entityEntryCount(entity: string): number {
    return this.entriesOfEntity.get(entity) as number;
  }

  /** Entities, cached per connection (they change only through this store on this connection). */
  entities(): EntityRecord[] {
    this.cached ??= (this.allEntities.all() as EntityRow[]).map((r) => ({
      code: r.code,
      name: r.name,
      currency: r.currency,
      timeZone: r.time_zone,
    }));
    return this.cached.map((e) => ({ ...e }));
  }

  /** Functional currency of an entity (cached), undefined when unknown. */
  currencyOf(code: string): string | undefined {
    if (this.cached === undefined) this.entities();
    return this.cached!.find((e) => e.code === code)?.currency;
  }

  accounts(): AccountRecord[] {
    return (this.allAccounts.all() as AccountRow[]).map((r) => ({
      entity: r.entity,
      code: r.code,
      name: r.name,
      sensitivity: r.sensitivity,
    }));
  }

  /** Accounts with their type. */
  typedAccounts(): TypedAccount[] {
    return (this.allAccounts.all() as AccountRow[]).map((r) => ({ ...r }));
  }
}
