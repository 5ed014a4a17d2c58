import type Database from 'better-sqlite3';
import type { DatedRate } from 'closegate-policy';
import type { IntercompanyRule } from '../matcher/config.js';

/** A stored daily rate with where it came from. */
export interface SourcedRate extends DatedRate {
  source: string;
}

/** FX coverage of one stored pair. */
export interface FxCoverage {
  base: string;
  quote: string;
  first: string;
  last: string;
  count: number;
}

/**
 * SQL for book configuration kept in the database: the FX rate table,
 * intercompany pair rules and the books.yaml settings (key -> JSON value).
 */
export class BookConfigStore {
  private readonly insertRate;
  private readonly allRates;
  private readonly rateOn;
  private readonly pairRates;
  private readonly coverageStmt;
  private readonly insertRule;
  private readonly deleteRule;
  private readonly allRules;
  private readonly getSetting;
  private readonly putSetting;

  constructor(db: Database.Database) {
    this.insertRate = db.prepare(
      'INSERT INTO fx_rates (base, quote, rate, as_of, source) VALUES (?, ?, ?, ?, ?)',
    );
    this.allRates = db.prepare(
      'SELECT base, quote, rate, as_of AS asOf FROM fx_rates ORDER BY base, quote, as_of',
    );
    this.rateOn = db.prepare(
      'SELECT base, quote, rate, as_of AS asOf, source FROM fx_rates WHERE base = ? AND quote = ? AND as_of = ?',
    );
    this.pairRates = db.prepare(
      'SELECT base, quote, rate, as_of AS asOf, source FROM fx_rates WHERE base = ? AND quote = ? ORDER BY as_of',
    );
    this.coverageStmt =
      db.prepare(`SELECT base, quote, MIN(as_of) AS first, MAX(as_of) AS last, COUNT(*) AS count
      FROM fx_rates GROUP BY base, quote ORDER BY base, quote`);
    this.insertRule = db.prepare(
      'INSERT INTO intercompany_rules (name, entity_a, account_a, entity_b, account_b) VALUES (?, ?, ?, ?, ?)',
    );
    this.deleteRule = db.prepare('DELETE FROM intercompany_rules WHERE name = ?');
    this.allRules = db.prepare('SELECT * FROM intercompany_rules ORDER BY name');
    this.getSetting = db.prepare('SELECT value_json FROM books_config WHERE key = ?').pluck();
    this.putSetting = db.prepare(`INSERT INTO books_config (key, value_json, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at`);
  }

  addRate(r: DatedRate & { source?: string }): void {
    this.insertRate.run(r.base, r.quote, r.rate, r.asOf, r.source ?? '');
  }

  rates(): DatedRate[] {
    return this.allRates.all() as DatedRate[];
  }

  /** The stored rate of a pair on one date exactly, if any. */
  rateAt(base: string, quote: string, asOf: string): SourcedRate | undefined {
    return this.rateOn.get(base, quote, asOf) as SourcedRate | undefined;
  }

  /** Every stored rate of one pair, oldest first. */
  ratesOf(base: string, quote: string): SourcedRate[] {
    return this.pairRates.all(base, quote) as SourcedRate[];
  }

  /** Per stored pair: first and last date and number of daily rates. */
  coverage(): FxCoverage[] {
    return this.coverageStmt.all() as FxCoverage[];
  }

  addIntercompanyRule(r: IntercompanyRule): void {
    this.insertRule.run(r.name, r.a.entity, r.a.accountCode, r.b.entity, r.b.accountCode);
  }

  removeIntercompanyRule(name: string): void {
    this.deleteRule.run(name);
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

  /** A books.yaml setting stored as JSON, undefined when never set. */
  setting(key: string): unknown {
    const raw = this.getSetting.get(key) as string | undefined;
    return raw === undefined ? undefined : (JSON.parse(raw) as unknown);
  }

  setSetting(key: string, value: unknown, now: string): void {
    this.putSetting.run(key, JSON.stringify(value), now);
  }
}
