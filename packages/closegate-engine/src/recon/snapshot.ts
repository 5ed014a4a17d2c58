import type Database from 'better-sqlite3';
import type { Entry } from '../domain.js';
import type { EngineContext } from '../operations/context.js';

const PAGE_ROWS = 50_000;

/**
 * The unmatched lines a pass works on, read in one snapshot, and a cheap
 * way to tell later whether they can still be trusted.
 *
 * Each batch of the pass would otherwise re-read every line it touches to
 * see whether another actor took it meanwhile. SQLite already knows: its
 * `data_version` changes when any other connection commits, and
 * `total_changes()` counts every row this connection changed. When neither
 * moved since the pass last looked (apart from the pass's own writes), the
 * lines are exactly as loaded, minus those the pass itself used.
 */
export class LoadedLines {
  readonly entries: readonly Entry[];
  private readonly db: Database.Database;
  private readonly versionStmt: Database.Statement;
  private readonly changesStmt: Database.Statement;
  private dataVersion: number;
  private changes: number;
  private readonly used = new Set<number>();

  private constructor(ctx: EngineContext) {
    this.db = ctx.store.db;
    this.versionStmt = this.db.prepare('PRAGMA data_version').pluck();
    this.changesStmt = this.db.prepare('SELECT total_changes()').pluck();
    const loaded = this.db.transaction(() => ({ entries: readUnmatched(ctx), version: this.version() }));
    const { entries, version } = loaded.deferred();
    this.entries = entries;
    this.dataVersion = version;
    this.changes = this.changeCount();
  }

  static load(ctx: EngineContext): LoadedLines {
    return new LoadedLines(ctx);
  }

  /**
   * Runs one piece of the pass's own work inside its write transaction.
   * `clean` tells `work` whether nothing but this pass wrote since the
   * load; once anything else did, every later piece is told so too.
   */
  ownWrite<T>(work: (clean: boolean) => T): T {
    const clean = this.version() === this.dataVersion && this.changeCount() === this.changes;
    const result = work(clean);
    if (clean) {
      this.dataVersion = this.version();
      this.changes = this.changeCount();
    }
    return result;
  }

  /**
   * The loaded lines with these ids when all are still unmatched and unused
   * by this pass; undefined when one is missing or already used.
   */
  take(ids: readonly number[]): Entry[] | undefined {
    const out: Entry[] = [];
    for (const id of ids) {
      const e = this.used.has(id) ? undefined : this.find(id);
      if (e === undefined) return undefined;
      out.push(e);
    }
    for (const id of ids) this.used.add(id);
    return out;
  }

  /** Binary search: the load is ordered by id. */
  private find(id: number): Entry | undefined {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid]!;
      if (e.id === id) return e.state === 'unmatched' ? e : undefined;
      if (e.id < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private version(): number {
    return this.versionStmt.get() as number;
  }

  private changeCount(): number {
    return this.changesStmt.get() as number;
  }
}

function readUnmatched(ctx: EngineContext): Entry[] {
  const out: Entry[] = [];
  for (let after = 0; ;) {
    const page = ctx.store.entries.page('unmatched', after, PAGE_ROWS);
    if (page.length === 0) return out;
    for (const e of page) out.push(e);
    after = page[page.length - 1]!.id;
  }
}
