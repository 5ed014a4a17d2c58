import type { Entry } from '../domain.js';
import type { EngineContext } from '../operations/context.js';
import type { WriteMark, WriteMarks } from '../store/writeMarks.js';

/**
 * Rows per keyset page. Small on purpose: a page's raw rows and their
 * fresh column strings (most dropped again by the interning) are garbage
 * once read; at 50,000 rows a page outlived the young generation, and on a
 * two-million-line load that garbage was promoted and kept the old
 * generation hundreds of MB larger through the whole pass.
 */
const PAGE_ROWS = 4_096;

/**
 * The unmatched lines a pass works on, read in one snapshot, and a cheap
 * way to tell later whether they can still be trusted.
 *
 * Each batch of the pass would otherwise re-read every line it touches to
 * see whether another actor took it meanwhile. A write mark says whether
 * anything wrote since the pass last looked (apart from the pass's own
 * writes, after which it takes a new mark); if not, the lines are exactly
 * as loaded, minus those the pass itself used.
 */
export class LoadedLines {
  readonly entries: readonly Entry[];
  private readonly marks: WriteMarks;
  private mark: WriteMark;
  /** One flag per loaded line, by position: set once the pass used the line. */
  private readonly used: Uint8Array;

  private constructor(ctx: EngineContext, pageRows: number) {
    this.marks = ctx.store.marks;
    const loaded = ctx.store.db.transaction(() => ({
      entries: readUnmatched(ctx, pageRows),
      mark: this.marks.take(),
    }));
    const { entries, mark } = loaded.deferred();
    this.entries = entries;
    this.used = new Uint8Array(entries.length);
    this.mark = mark;
  }

  /** `pageRows`: rows per read (see PAGE_ROWS); other values are for tests. */
  static load(ctx: EngineContext, pageRows = PAGE_ROWS): LoadedLines {
    return new LoadedLines(ctx, pageRows);
  }

  /**
   * Runs one piece of the pass's own work inside its write transaction.
   * `clean` tells `work` whether nothing but this pass wrote since the
   * load; once anything else did, every later piece is told so too.
   */
  ownWrite<T>(work: (clean: boolean) => T): T {
    const clean = this.marks.unchangedSince(this.mark);
    const result = work(clean);
    if (clean) this.mark = this.marks.take();
    return result;
  }

  /**
   * The loaded lines with these ids when all are still unmatched and unused
   * by this pass; undefined when one is missing or already used.
   */
  take(ids: readonly number[]): Entry[] | undefined {
    const out: Entry[] = [];
    const at: number[] = [];
    for (const id of ids) {
      const i = this.positionOf(id);
      if (i < 0 || this.used[i] === 1 || this.entries[i]!.state !== 'unmatched') return undefined;
      out.push(this.entries[i]!);
      at.push(i);
    }
    for (const i of at) this.used[i] = 1;
    return out;
  }

  /** Binary search (the load is ordered by id); -1 when the id was not loaded. */
  private positionOf(id: number): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const midId = this.entries[mid]!.id;
      if (midId === id) return mid;
      if (midId < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

function readUnmatched(ctx: EngineContext, pageRows: number): Entry[] {
  const out: Entry[] = [];
  for (let after = 0; ;) {
    const page = ctx.store.entries.page('unmatched', after, pageRows);
    if (page.length === 0) return out;
    for (const e of page) out.push(e);
    after = page[page.length - 1]!.id;
  }
}
