/**
 * The bare baselines of the closegate recon benchmark, run in the book's
 * child process on copies of the same book: the bare SQL pass (no controls)
 * and the same pass with the audit rows' floor.
 */
import Database from 'better-sqlite3';
import { timeOrderedUuid } from '../../packages/audit-chain/src/chain/event-id.js';
import { sha256Hex } from '../../packages/audit-chain/src/chain/hash-format.js';

/** CPU time (user + system, every thread of the process) since `start`: steadier than wall time on a loaded machine. */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/**
 * Baseline for the whole pass: the same book, read and written with bare SQL
 * and no controls: load the open lines, pair equal amounts through a Map,
 * insert one match row and its two line rows per pair and mark both lines
 * matched, in transactions of 2,000 pairs. No gate, no audit, no fuzzy or
 * many-to-one search: the floor under our pass on this machine.
 *
 * With `withAudit`, the floor under the controls as well: the same pass also
 * appends, per pair, the two audit rows the engine must write (a proposal and
 * a confirmation, payloads of the engine's fields and size, built with
 * JSON.stringify), SHA-256 chained in the engine's hash format, into the same
 * audit table (its indexes and append-only triggers), 16 rows per INSERT.
 * Still no gate, no matcher search, no canonical encoding or validation.
 */
export function bareReconPass(
  file: string,
  withAudit = false,
): { ms: number; cpuMs: number; readAndPairCpuMs: number; pairs: number; auditRows: number } {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // the engine's page cache and in-memory statement journals (store/index.ts): same footing
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const rows = db
    .prepare("SELECT id, source, amount FROM entries WHERE state = 'unmatched' ORDER BY id")
    .raw()
    .all() as [number, string, string][];
  const open = new Map<string, number[]>();
  for (const [id, source, amount] of rows) {
    if (source === 'gl') continue;
    const list = open.get(amount);
    if (list) list.push(id);
    else open.set(amount, [id]);
  }
  const pairs: [number, number, string][] = [];
  for (const [id, source, amount] of rows) {
    const other = source === 'gl' ? open.get(amount)?.pop() : undefined;
    if (other !== undefined) pairs.push([id, other, amount]);
  }
  // what the pass's load and matcher stand against: the bare pass's own read and pairing
  const readAndPairCpuMs = cpuMsSince(cpu0);
  const addMatch = db.prepare(
    "INSERT INTO matches (type, state, proposed_by, source, score, amount_usd, fx_json, created_at, updated_at) VALUES ('exact', 'confirmed', 'engine:bare', 'engine', '1.0000', '0', '[]', '', '')",
  );
  const addLine = db.prepare('INSERT INTO match_lines (match_id, entry_id) VALUES (?, ?)');
  const setState = db.prepare("UPDATE entries SET state = 'matched' WHERE id = ?");
  const audit = withAudit ? new BareAudit(db) : undefined;
  const batch = db.transaction((chunk: [number, number, string][]) => {
    for (const [a, b, amount] of chunk) {
      const id = Number(addMatch.run().lastInsertRowid);
      addLine.run(id, a);
      addLine.run(id, b);
      setState.run(a);
      setState.run(b);
      audit?.pair(id, a, b, amount);
    }
    audit?.flush();
  });
  for (let i = 0; i < pairs.length; i += 2000) batch.immediate(pairs.slice(i, i + 2000));
  const ms = performance.now() - t;
  const cpuMs = cpuMsSince(cpu0);
  db.close();
  return { ms, cpuMs, readAndPairCpuMs, pairs: pairs.length, auditRows: audit?.rows ?? 0 };
}

/** The bare floor of the audit rows: chained, hashed, inserted 16 to a statement; nothing else. */
export class BareAudit {
  rows = 0;
  private seq: number;
  private prev: string;
  private readonly insert16: Database.Statement;
  private readonly insert1: Database.Statement;
  private pending: unknown[] = [];
  private readonly ts = new Date(Date.UTC(2026, 0, 31)).toISOString();
  private static readonly POLICY = 'df1633bdb8c2d3b25649f79409b63898ab2f19f2143a012ce2dcdc873f268435';
  private static readonly RATIONALE =
    'rule reference-exact: same currency, equal amount, 0 business day(s) apart, reference (equal/invoice/contained); the only candidate either way';

  constructor(db: Database.Database) {
    const head = db.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1').get() as
      { seq: number; hash: string } | undefined;
    this.seq = head?.seq ?? 0;
    this.prev = head?.hash ?? '0'.repeat(64);
    const sql = (n: number): string =>
      `INSERT INTO audit_events (seq, event_id, ts, actor, type, payload, prev_hash, hash) VALUES ${Array(n).fill('(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
    this.insert16 = db.prepare(sql(16));
    this.insert1 = db.prepare(sql(1));
  }

  pair(matchId: number, a: number, b: number, amount: string): void {
    this.add(
      'engine:matcher',
      'MATCH_PROPOSED',
      JSON.stringify({
        amountUsd: amount,
        entryIds: [a, b],
        fx: [],
        intercompany: false,
        matchId,
        policyVersion: BareAudit.POLICY,
        rationale: BareAudit.RATIONALE,
        runId: 1,
        score: '1.0000',
        type: 'exact',
      }),
    );
    this.add(
      'engine:autoconfirm',
      'MATCH_CONFIRMED',
      JSON.stringify({
        amountUsd: amount,
        decision: { outcome: 'allow', policyVersion: BareAudit.POLICY, tier: 'T1' },
        entryIds: [a, b],
        escalationId: null,
        matchId,
        rationale: '',
      }),
    );
  }

  private add(actor: string, type: string, payload: string): void {
    const seq = ++this.seq;
    const eventId = timeOrderedUuid(); // as the engine: appended at the right edge of the event_id index
    // one-shot SHA-256 as the engine hashes (crypto.hash: no Hash object per row)
    const hash = sha256Hex(
      `${this.prev}{"actor":"${actor}","event_id":"${eventId}","payload":${payload},"seq":${seq},"ts":"${this.ts}","type":"${type}"}`,
    );
    this.pending.push(seq, eventId, this.ts, actor, type, payload, this.prev, hash);
    this.prev = hash;
    this.rows++;
    if (this.pending.length === 16 * 8) this.flush();
  }

  flush(): void {
    const v = this.pending;
    if (v.length === 16 * 8) this.insert16.run(v);
    else for (let i = 0; i < v.length; i += 8) this.insert1.run(v.slice(i, i + 8));
    this.pending = [];
  }
}
