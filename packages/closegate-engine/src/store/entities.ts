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
}

/** SQL for entities and accounts (with sensitivity). */
export class EntityStore {
  private readonly insertEntity;
  private readonly insertAccount;
  private readonly allEntities;
  private readonly allAccounts;
  private cached: EntityRecord[] | undefined;

  constructor(db: Database.Database) {
    this.insertEntity = db.prepare(
      'INSERT INTO entities (code, name, currency, time_zone) VALUES (@code, @name, @currency, @timeZone)',
    );
    this.insertAccount = db.prepare(
      'INSERT INTO accounts (entity, code, name, sensitivity) VALUES (@entity, @code, @name, @sensitivity)',
    );
    this.allEntities = db.prepare('SELECT * FROM entities ORDER BY code');
    this.allAccounts = db.prepare('SELECT * FROM accounts ORDER BY entity, code');
  }

  addEntity(e: EntityRecord): void {
    this.cached = undefined;
    this.insertEntity.run(e);
  }

  addAccount(a: AccountRecord): void {
    this.insertAccount.run(a);
  }

  /** Entities, cached per connection (they change only through addEntity on this connection). */
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
    return (this.allAccounts.all() as AccountRow[]).map((r) => ({ ...r }));
  }
}
