import type Database from 'better-sqlite3';

export interface StoredResult {
  operation: string;
  argsHash: string;
  resultJson: string;
}

/** SQL for idempotency keys, scoped per actor so one actor never sees another's results. */
export class IdempotencyStore {
  private readonly byKey;
  private readonly insert;

  constructor(db: Database.Database) {
    this.byKey = db.prepare(
      'SELECT operation, args_hash AS argsHash, result_json AS resultJson FROM idempotency_keys WHERE actor = ? AND key = ?',
    );
    this.insert = db.prepare(
      'INSERT INTO idempotency_keys (actor, key, operation, args_hash, result_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  find(actor: string, key: string): StoredResult | undefined {
    return this.byKey.get(actor, key) as StoredResult | undefined;
  }

  save(
    actor: string,
    key: string,
    operation: string,
    argsHash: string,
    resultJson: string,
    now: string,
  ): void {
    this.insert.run(actor, key, operation, argsHash, resultJson, now);
  }
}
