import type Database from 'better-sqlite3';
import type { DatedRate } from 'closegate-policy';
import type { IntercompanyRule } from '../matcher/config.js';

/** SQL for book configuration kept in the database: FX rate table and intercompany pair rules. */
export class BookConfigStore {
  private readonly insertRate;
  private readonly allRates;
  private readonly insertRule;
  private readonly allRules;

  constructor(db: Database.Database) {
    this.insertRate = db.prepare('INSERT INTO fx_rates (base, quote, rate, as_of) VALUES (?, ?, ?, ?)');
    this.allRates = db.prepare(
      'SELECT base, quote, rate, as_of AS asOf FROM fx_rates ORDER BY base, quote, as_of',
    );
    this.insertRule = db.prepare(
      'INSERT INTO intercompany_rules (name, entity_a, account_a, entity_b, account_b) VALUES (?, ?, ?, ?, ?)',
    );
    this.allRules = db.prepare('SELECT * FROM intercompany_rules ORDER BY name');
  }

  addRate(r: DatedRate): void {
    this.insertRate.run(r.base, r.quote, r.rate, r.asOf);
  }

  rates(): DatedRate[] {
    return this.allRates.all() as DatedRate[];
  }

  addIntercompanyRule(r: IntercompanyRule): void {
    this.insertRule.run(r.name, r.a.entity, r.a.accountCode, r.b.entity, r.b.accountCode);
  }

  intercompanyRules(): IntercompanyRule[] {
    return (
      this.allRules.all() as {
        name: string;
        entity_a: string;
        account_a: string;
        entity_b: string;
        account_b: string;
      }[]
    ).map((r) => ({
      name: r.name,
      a: { entity: r.entity_a, accountCode: r.account_a },
      b: { entity: r.entity_b, accountCode: r.account_b },
    }));
  }
}
